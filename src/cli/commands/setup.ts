/** `steering setup github-app [--org <org>]`: create steering's GitHub App from its manifest. */
import type { Command } from 'commander';
import { resolvePath, type CliIo } from '../cli-io.js';
import { loadConfig } from '../../config.js';
import { runGitHubAppSetup } from '../run-github-app-setup.js';

export function registerSetup(program: Command, io: CliIo): void {
  const setup = program.command('setup').description('one-time setup steps');
  setup
    .command('github-app')
    .description(
      "create steering's GitHub App from its manifest in a browser, and write its id, key and webhook secret for the configuration",
    )
    .option('--org <org>', 'create the App in this organisation (default: your account)')
    .option('--webhook-url <url>', 'where GitHub sends webhooks: https://<host>/webhooks/github')
    .option('--name <name>', 'App name (unique on GitHub)', 'steering')
    .option(
      '--github-url <url>',
      'GitHub web URL (GitHub Enterprise Server: https://ghe.example.com)',
      'https://github.com',
    )
    .option(
      '--port <port>',
      'loopback port for the browser flow (0: any free port)',
      (v) => Number.parseInt(v, 10),
      0,
    )
    .action(
      async (opts: {
        org?: string;
        webhookUrl?: string;
        name: string;
        githubUrl: string;
        port: number;
      }) => {
        const config = loadConfig(io.env);
        const result = await runGitHubAppSetup({
          githubUrl: opts.githubUrl,
          apiUrl: config.github.apiUrl,
          org: opts.org,
          webhookUrl: opts.webhookUrl,
          name: opts.name,
          port: opts.port,
          dataDir: config.database.dataDir,
          manifestPath: resolvePath(io, 'webhooks/app-manifest.json'),
          onListening: (url) =>
            io.stderr.write(
              `open ${url}/ in a browser signed in to GitHub, and create the App there\n`,
            ),
        });
        io.stdout.write(
          `created GitHub App ${result.slug} (id ${result.appId}); wrote its id, private key${result.webhookSecret ? ' and webhook secret' : ''} to ${result.file} (mode 0600)\n` +
            `install it on your organisation: ${result.htmlUrl}/installations/new\n` +
            `steering reads the file when GITHUB_APP_ID and GITHUB_TOKEN are unset; restart \`steering serve\`\n`,
        );
      },
    );
}
