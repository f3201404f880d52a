/**
 * Every shipped check of guidelines/performance.checks.yaml against every fixture repository:
 * the checks listed per fixture must have the given status, every other check must be
 * not-applicable (report-threshold checks are unchecked: no reports are passed).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadGuidelines, readLocalSnapshot, scanDirectory } from '../../src/cli/commands/scan.js';
import { evaluateChecks, loadChecks, type CheckStatus } from '../../src/checks/index.js';

const FIXTURES = 'test/fixtures/repos';
const [guideline] = loadGuidelines(['guidelines/performance.md']);
// Every shipped check, including those of reference rules a given compiled version may not have.
const allChecks = loadChecks(
  readFileSync('guidelines/performance.checks.yaml', 'utf8'),
  guideline?.rules ?? [],
).checks.filter((c) => c.type !== 'report-threshold');

const EXPECTED: Record<string, Record<string, CheckStatus>> = {
  'python-fastapi': {
    'health-endpoint-fastapi': 'pass',
    'timeout-python-requests': 'pass',
    'circuit-breaker-python': 'pass',
    'db-pool-sqlalchemy': 'pass',
    'db-pool-sqlalchemy-no-nullpool': 'pass',
    'no-select-star': 'pass',
    'prometheus-metrics-python': 'pass',
    'load-tests-present': 'pass',
    'performance-test-in-ci': 'pass',
    'hpa-min-replicas': 'pass',
    'hpa-cpu-target': 'pass',
  },
  'java-spring': {
    'health-endpoint-spring-boot': 'pass',
    'timeout-java-resttemplate': 'pass',
    'timeout-java-resttemplate-default': 'fail',
    'circuit-breaker-java': 'pass',
    'db-pool-jdbc': 'pass',
    'no-select-star': 'fail',
    'prometheus-metrics-java': 'pass',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
    // A Deployment without any HPA fails once (min replicas); there is no CPU target to judge.
    'hpa-min-replicas': 'fail',
    'jvm-g1gc': 'fail',
  },
  // No RestTemplate anywhere: nothing for the RestTemplate checks to inspect.
  'java-micronaut': {
    'health-endpoint-micronaut': 'pass',
    'timeout-micronaut-http-client': 'pass',
    'micronaut-http-client-pool': 'pass',
    'circuit-breaker-java': 'pass',
    'db-pool-jdbc': 'pass',
    'no-select-star': 'pass',
    'prometheus-metrics-java': 'pass',
    'load-tests-present': 'pass',
    'performance-test-in-ci': 'pass',
    'hpa-min-replicas': 'pass',
    'hpa-cpu-target': 'pass',
    'jvm-g1gc': 'pass',
  },
  'node-express': {
    'health-endpoint-node': 'pass',
    'timeout-node-fetch': 'fail',
    'timeout-node-axios': 'pass',
    'circuit-breaker-node': 'pass',
    'db-pool-node': 'pass',
    'no-select-star': 'pass',
    'prometheus-metrics-node': 'pass',
    'load-tests-present': 'pass',
    'performance-test-in-ci': 'pass',
  },
  // The keys exist only in src/test/resources and in an application-test.yml profile.
  'trap-test-only-timeouts': {
    'health-endpoint-micronaut': 'fail',
    'timeout-micronaut-http-client': 'fail',
    'micronaut-http-client-pool': 'fail',
    'circuit-breaker-java': 'fail',
    'prometheus-metrics-java': 'fail',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
    'jvm-g1gc': 'fail',
  },
  // The route is @router.get("") on APIRouter(prefix="/health"); "/healthcare/..." is no health check.
  'trap-health-prefix': {
    'health-endpoint-fastapi': 'pass',
    'prometheus-metrics-python': 'fail',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
  },
  // SELECT * only inside EXISTS (…), in a comment, in tests and in migrations.
  'trap-select-exists': {
    'no-select-star': 'pass',
    'prometheus-metrics-python': 'fail',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
  },
  // An ASP.NET Core gRPC service (*.csproj): the gRPC health service is mapped, the Redis cache
  // is a shared multiplexer, no Prometheus exporter.
  'dotnet-grpc': {
    'health-endpoint-dotnet': 'pass',
    'db-pool-dotnet': 'pass',
    'prometheus-metrics-dotnet': 'fail',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
  },
  // spring-boot-starter-data-jpa is declared but no code reaches a database: no pool to judge.
  // Elasticsearch's low-level RestClient is a datastore client, not an outbound call: no breaker
  // to judge either.
  'trap-unused-jpa-starter': {
    'health-endpoint-spring-boot': 'pass',
    'prometheus-metrics-java': 'fail',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
    'jvm-g1gc': 'fail',
  },
  // The HPA is a Helm template; minReplicas 3 and CPU 65% come from values.yaml.
  // No application code at all: nothing to inspect for SELECT *, so not applicable.
  'trap-helm-hpa': {
    'hpa-min-replicas': 'pass',
    'hpa-cpu-target': 'pass',
    'load-tests-present': 'fail',
    'performance-test-in-ci': 'fail',
  },
};

// No SQL at all in trap-test-only-timeouts and trap-health-prefix: SELECT * is not applicable.
// No outbound call in trap-health-prefix and trap-select-exists: circuit breakers are not applicable.
describe('performance checks on fixture repositories', () => {
  it('has an expectation for every fixture folder', () => {
    assert.deepEqual(readdirSync(FIXTURES).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [fixture, expected] of Object.entries(EXPECTED)) {
    it(`${fixture}: every shipped check has its expected status`, () => {
      const { snapshot } = readLocalSnapshot(`${FIXTURES}/${fixture}`, allChecks);
      const { results } = evaluateChecks(allChecks, snapshot);
      const actual = new Map(results.map((c) => [c.checkId, c] as const));
      for (const check of allChecks) {
        const r = actual.get(check.id);
        assert.ok(r, `${check.id} was evaluated`);
        const want = expected[check.id] ?? 'not-applicable';
        assert.equal(r.status, want, `${fixture} ${check.id}: ${r.message}`);
        if (r.status === 'fail') {
          // Every fail shows where, or says what was looked for.
          assert.ok(r.evidence.length > 0, `${check.id} shows where it failed`);
        }
      }
      for (const id of Object.keys(expected))
        assert.ok(
          allChecks.some((c) => c.id === id),
          `${id} is a shipped check`,
        );
    });
  }

  it('points at the offending lines', () => {
    assert.ok(guideline);
    const spring =
      scanDirectory(`${FIXTURES}/java-spring`, [guideline]).guidelines[0]?.findings ?? [];
    const select = spring.find((f) => f.ruleId === 'performance.query-optimization.avoid-select');
    assert.equal(select?.status, 'fail');
    assert.deepEqual(
      select?.evidence.map((e) => `${e.path}:${e.line}`),
      ['src/main/java/com/example/orders/OrderRepository.java:8'],
    );
    const node =
      scanDirectory(`${FIXTURES}/node-express`, [guideline]).guidelines[0]?.findings ?? [];
    const timeouts = node.find(
      (f) => f.ruleId === 'performance.external-service-calls.implement-timeouts-external-calls',
    );
    assert.equal(timeouts?.status, 'fail');
    assert.deepEqual(
      timeouts?.evidence.map((e) => `${e.path}:${e.line}`),
      ['src/stock.js:15'],
    );
    assert.match(timeouts?.evidence[0]?.snippet ?? '', /promo\.internal/);
  });
});
