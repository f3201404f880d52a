/**
 * `steering scan` end to end: the CLI (in-process, `runCli`) over fixture repositories. JSON statuses and
 * exit codes, and the SARIF output validated against the SARIF 2.1.0 JSON schema.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { loadGuidelines, scanDirectory } from '../../src/cli/commands/scan.js';
import { toSarif } from '../../src/checks/index.js';
import { cli } from '../support/run-cli.js';

const steering = (...args: string[]) => cli(args);

interface JsonOut {
  summary: { mustFailures: number };
  guidelines: {
    id: string;
    findings: { ruleId: string; status: string; checks: { checkId: string; status: string }[] }[];
  }[];
}

describe('steering scan', () => {
  it('json: statuses per rule and check; exit 0 when no MUST rule fails', async () => {
    const r = await steering('scan', 'test/fixtures/repos/java-micronaut', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as JsonOut;
    assert.equal(out.summary.mustFailures, 0);
    const findings = out.guidelines[0]?.findings ?? [];
    const status = (id: string) => findings.find((f) => f.ruleId === id)?.status;
    assert.equal(
      status('performance.external-service-calls.implement-timeouts-external-calls'),
      'pass',
    );
    assert.equal(
      status('performance.network-utilization.implement-connection-pooling-databases'),
      'pass',
    );
    // A threshold ("GC < 5% of CPU time") is decided by a measurement, never by a JVM flag.
    assert.equal(status('performance.memory-utilization.garbage-collection-impact'), 'unchecked');
    assert.equal(
      status('performance.index-strategy.create-indexes-frequently-queried-columns'),
      'unchecked',
    );
  });

  it('exit 1 when a MUST rule fails; the text table shows the evidence', async () => {
    const r = await steering('scan', 'test/fixtures/repos/trap-test-only-timeouts');
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /FAIL\s+MUST\s+performance\.external-service-calls\.implement-timeouts-external-calls/,
    );
    assert.match(r.stdout, /src\/main\/resources\/application\.yml:1:1/);
  });

  it('exit 2 on usage errors', async () => {
    assert.equal((await steering('scan', 'test/fixtures/repos/nope')).code, 2);
    assert.equal(
      (await steering('scan', 'test/fixtures/repos/java-spring', '--format', 'xml')).code,
      2,
    );
    assert.equal(
      (await steering('scan', 'test/fixtures/repos/java-spring', '--guidelines-dir', 'no-such-dir'))
        .code,
      2,
    );
    assert.equal((await steering('scan')).code, 2);
  });

  it('sarif: validates against the SARIF 2.1.0 schema, with rules and locations', async () => {
    const r = await steering('scan', 'test/fixtures/repos/java-spring', '--format', 'sarif');
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          kind: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(
        require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    ) as object;
    // The published rtm.5 schema has a language-tag pattern that is invalid under the u flag.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const run = log.runs[0];
    assert.ok(run);
    assert.ok(
      run.tool.driver.rules.some((x) => x.id === 'performance.query-optimization.avoid-select'),
    );
    const select = run.results.find(
      (x) => x.ruleId === 'performance.query-optimization.avoid-select',
    );
    assert.equal(select?.kind, 'fail');
    assert.equal(
      select?.locations[0]?.physicalLocation.artifactLocation.uri,
      'src/main/java/com/example/orders/OrderRepository.java',
    );
    assert.equal(select?.locations[0]?.physicalLocation.region.startLine, 8);
    // The schema really rejects a broken log (the validator is not vacuous).
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
  });

  it('sarif of every demo repository validates, and every result has a location in the repository', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(
        require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    ) as object;
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const [guideline] = loadGuidelines(['guidelines/performance.md']);
    assert.ok(guideline);
    for (const repo of ['python-fastapi', 'node-express', 'java-spring', 'java-micronaut']) {
      const dir = `test/fixtures/repos/${repo}`;
      const result = scanDirectory(dir, [guideline]);
      const log = toSarif({
        toolVersion: '0.1.0',
        guidelines: result.guidelines.map((g) => ({
          id: g.id,
          rules: g.rules,
          findings: g.findings,
        })),
      }) as {
        runs: {
          results: {
            ruleIndex: number;
            locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          }[];
        }[];
      };
      assert.equal(validate(log), true, `${repo}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
      const results = log.runs[0]?.results ?? [];
      assert.ok(results.length > 0);
      for (const r of results) {
        assert.ok(r.locations.length > 0, `${repo}: a result without a location`);
        for (const l of r.locations)
          assert.ok(
            existsSync(`${dir}/${decodeURI(l.physicalLocation.artifactLocation.uri)}`),
            `${repo}: ${l.physicalLocation.artifactLocation.uri} is a file of the repository`,
          );
      }
    }
  });
});
