/**
 * Service units and path roles: each deployable part of a repository is evaluated on its own, the
 * repository's status is the worst of its units and a failure names its unit; browser code,
 * scripts and migration tooling say nothing about the service; nothing inspected is not
 * applicable; every failure has a place.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSnapshot,
  evaluateChecks,
  evaluateGuideline,
  findUnits,
  toSarif,
} from '../../src/checks/index.js';
import { checksFrom, makeRule } from './support.js';

const repo: Record<string, string> = {
  'requirements/base.txt': 'Django==5.0\nrequests\n',
  'requirements.txt': '-r requirements/base.txt\n',
  'config/settings/loggers/setup.py': 'LOGGING = {}\n',
  'app/views.py': 'import requests\n\ndef v():\n    return requests.get("http://x", timeout=3)\n',
  'app/alembic/env.py':
    'from sqlalchemy import pool\nengine = create_engine(url, poolclass=pool.NullPool)\n',
  'scripts/licences.js': 'const axios = require("axios");\naxios.get("https://x");\n',
  'web/package.json': '{"dependencies":{"react":"18","axios":"1"}}',
  'web/src/api.js': 'import axios from "axios";\naxios.get("/api");\n',
  'services/pay/go.mod': 'module pay\n\nrequire (\n\tgithub.com/sony/gobreaker v1.0.0\n)\n',
  'services/pay/main.go':
    'package main\nimport "net/http"\nfunc f() { http.Get("http://bank") }\nfunc g() { http.HandleFunc("/healthz", h) }\n',
  'services/ratings/Dockerfile': 'FROM php:8\n',
  'services/ratings/html/composer.json': '{"require":{"slim/slim":"4"}}',
  'services/ratings/html/src/Db.php': '<?php $db = new \\PDO($dsn);\n',
  'src/main/resources/static/app.js': 'fetch("/x")\n',
};
const snapshot = createSnapshot(Object.keys(repo), repo);

describe('service units', () => {
  it('finds the deployable units and classifies paths by role', () => {
    const layout = findUnits(snapshot);
    assert.deepEqual(
      layout.units.map((u) => u.path),
      ['.', 'services/pay', 'services/ratings'],
    );
    assert.deepEqual(layout.frontendRoots, ['web']);
    assert.deepEqual(layout.units[0]?.buildFiles.sort(), [
      'requirements.txt',
      'requirements/base.txt',
    ]);
    assert.ok(layout.units[0]?.stack.frameworks.has('django'));
    assert.equal(layout.unitOf('services/ratings/html/src/Db.php')?.path, 'services/ratings');
    const role = (p: string) => layout.role(p).role;
    assert.equal(role('scripts/licences.js'), 'tooling');
    assert.equal(role('web/src/api.js'), 'frontend');
    assert.equal(role('src/main/resources/static/app.js'), 'frontend');
    assert.equal(role('app/alembic/env.py'), 'migrations');
    assert.equal(role('app/views.py'), 'service');
  });

  const rules = [makeRule('demo.timeouts'), makeRule('demo.pool')];
  const checks = checksFrom(
    `  - id: timeout-go
    rule: demo.timeouts
    description: Go HTTP calls have a timeout.
    appliesWhen: { language: go }
    type: file-not-contains
    files: '**/*.go'
    pattern: '\\bhttp\\.Get\\('
    inspectsWhat: outbound HTTP calls
  - id: timeout-axios
    rule: demo.timeouts
    description: axios has a timeout.
    appliesWhen: { dependency: axios }
    type: file-contains
    files: '**/*.js'
    pattern: 'timeout:'
  - id: no-nullpool
    rule: demo.pool
    description: No NullPool.
    type: file-not-contains
    files: '**/*.py'
    pattern: 'NullPool'
    inspects: 'create_engine\\('
    inspectsWhat: engines
`,
    rules,
  );

  it('evaluates per unit: the failure names its unit, front ends and tooling do not count', () => {
    const [timeouts, pool] = evaluateGuideline(rules, checks, snapshot);
    assert.equal(timeouts?.status, 'fail');
    assert.deepEqual(timeouts?.units, [
      { unit: '.', status: 'not-applicable' },
      { unit: 'services/pay', status: 'fail' },
      { unit: 'services/ratings', status: 'not-applicable' },
    ]);
    assert.match(timeouts?.message ?? '', /^services\/pay: expected: Go HTTP calls have a timeout/);
    assert.deepEqual(
      timeouts?.evidence.map((e) => `${e.path}:${e.line}`),
      ['services/pay/main.go:3'],
    );
    // axios is a dependency of the browser application only: no unit's check applies.
    assert.ok(
      timeouts?.checks.every((c) => c.checkId !== 'timeout-axios' || c.status === 'not-applicable'),
    );
    // The only NullPool is in migration tooling; no engine of the service: nothing inspected.
    assert.equal(pool?.status, 'not-applicable');
    assert.match(pool?.message ?? '', /nothing to inspect: no engines/);
  });

  it('never passes on nothing, and shows a missing thing at the nearest build file', () => {
    const { results } = evaluateChecks(
      checksFrom(
        `  - { id: breaker, rule: demo.pool, description: A breaker is used., type: file-contains, files: '**/*.go', pattern: 'gobreaker\\.NewCircuitBreaker' }\n`,
        rules,
      ),
      snapshot,
    );
    const pay = results.find((r) => r.unit === 'services/pay');
    assert.equal(pay?.status, 'fail');
    assert.equal(pay?.evidence[0]?.path, 'services/pay/go.mod');
    assert.match(
      pay?.evidence[0]?.note ?? '',
      /nothing found in services\/pay; add: A breaker is used/,
    );
    for (const r of results) if (r.status === 'pass') assert.ok(r.evidence.length > 0, r.checkId);
  });

  it("classifies a client of the unit's own gRPC API as tooling, not a call the service makes", () => {
    const files: Record<string, string> = {
      'email/requirements.txt': 'grpcio\n',
      'email/email_server.py':
        'import demo_pb2_grpc\ndemo_pb2_grpc.add_EmailServiceServicer_to_server(svc, server)\n',
      'email/email_client.py':
        'channel = grpc.insecure_channel("[::]:8080")\nstub = demo_pb2_grpc.EmailServiceStub(channel)\n',
      'email/catalog_client.py':
        'channel = grpc.insecure_channel(addr)\nstub = demo_pb2_grpc.ProductCatalogServiceStub(channel)\n',
      'ads/build.gradle': "dependencies { implementation 'io.grpc:grpc-stub:1.60.0' }\n",
      'ads/src/main/java/ads/AdService.java':
        'class AdServiceImpl extends ads.AdServiceGrpc.AdServiceImplBase {}\n',
      'ads/src/main/java/ads/AdServiceClient.java':
        'blockingStub = ads.AdServiceGrpc.newBlockingStub(channel);\n',
    };
    const layout = findUnits(createSnapshot(Object.keys(files), files));
    assert.deepEqual(layout.role('email/email_client.py'), {
      role: 'tooling',
      reason: "a client of the service's own gRPC API (EmailService)",
    });
    assert.equal(layout.role('ads/src/main/java/ads/AdServiceClient.java').role, 'tooling');
    // A client of another service is a call the service makes.
    assert.equal(layout.role('email/catalog_client.py').role, 'service');
    assert.equal(layout.role('email/email_server.py').role, 'service');
  });

  it('gives every SARIF result a location', () => {
    const findings = evaluateGuideline(rules, checks, snapshot);
    const sarif = toSarif({ toolVersion: '0', guidelines: [{ id: 'demo', rules, findings }] }) as {
      runs: { results: { locations: unknown[] }[] }[];
    };
    for (const r of sarif.runs[0]?.results ?? []) assert.ok(r.locations.length > 0);
  });
});
