// Test support: a simulator plus a token-authenticated port pointed at it.
import type { Config } from '../../src/config.js';
import {
  createGitHubPort,
  startSimulator,
  type GitHubPortOptions,
  type SimulatorOptions,
} from '../../src/github/index.js';

export const TOKEN = 'ghp_test_token';
/** An installation token of the `acme` installation (check runs need a GitHub App). */
export const INSTALLATION_TOKEN = 'ghs_test_installation_token';

export function githubConfig(
  apiUrl: string,
  auth: Config['github']['auth'],
): Pick<Config, 'github'> {
  return { github: { apiUrl, auth, webhookSecret: undefined, previousWebhookSecret: undefined } };
}

export async function startPort(sim: SimulatorOptions = {}, port: GitHubPortOptions = {}) {
  const simulator = await startSimulator(sim);
  simulator.addToken(TOKEN, { login: 'steering-bot' });
  const github = createGitHubPort(githubConfig(simulator.url, { kind: 'token', token: TOKEN }), {
    retryBaseDelayMs: 5,
    requestTimeoutMs: 2000,
    ...port,
  });
  simulator.addToken(INSTALLATION_TOKEN, {
    login: 'steering[bot]',
    installationId: simulator.addInstallation('acme'),
  });
  const app = createGitHubPort(
    githubConfig(simulator.url, { kind: 'token', token: INSTALLATION_TOKEN }),
    { retryBaseDelayMs: 5, requestTimeoutMs: 2000, ...port },
  );
  return { simulator, github, repos: github.forInstallation(0), appRepos: app.forInstallation(0) };
}
