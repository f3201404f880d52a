// The Kubernetes manifests: every overlay renders with Kustomize (`kubectl kustomize`), every
// rendered object validates against the Kubernetes schemas (kubernetes-models; the Prometheus
// Operator's for the ServiceMonitor), and they follow the platform's performance guideline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

function render(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `kubectl is needed to render ${dir} (${r.error.message}): apt-get install kubectl (.ci/run does it)`,
    );
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

const DIRS = [
  'deploy/kubernetes/base',
  ...readdirSync('deploy/kubernetes/overlays').map((o) => `deploy/kubernetes/overlays/${o}`),
];

describe('Kubernetes manifests', () => {
  it('has at least two overlays', () => {
    assert.ok(DIRS.length >= 3, DIRS.join(', '));
  });

  for (const dir of DIRS) {
    it(`${dir}: renders, validates against the schemas, follows the guideline`, () => {
      const objects = render(dir);
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      assert.deepEqual(kinds, [
        'ConfigMap/steering',
        'Deployment/steering-api',
        'Deployment/steering-worker',
        'HorizontalPodAutoscaler/steering-api',
        'HorizontalPodAutoscaler/steering-worker',
        'Job/steering-migrate',
        'PodDisruptionBudget/steering-api',
        'PodDisruptionBudget/steering-worker',
        'Service/steering',
        'Service/steering-metrics',
        'ServiceAccount/steering',
        'ServiceMonitor/steering',
      ]);
      for (const o of objects) {
        const Model = MODELS[`${o.apiVersion}/${o.kind}`];
        assert.ok(Model, `no schema for ${o.apiVersion} ${o.kind}`);
        try {
          new Model(o as never).validate();
        } catch (err) {
          assert.fail(`${dir}: ${o.kind}/${o.metadata.name} is invalid: ${(err as Error).message}`);
        }
        if (dir.includes('overlays')) assert.ok(o.metadata.namespace, `${o.kind} has a namespace`);
      }

      for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
        assert.equal(hpa.spec.minReplicas, 2, hpa.metadata.name);
        const cpu = hpa.spec.metrics.find((m: Obj) => m.resource?.name === 'cpu');
        assert.equal(cpu.resource.target.averageUtilization, 70, hpa.metadata.name);
        assert.ok(
          objects.some(
            (o) => o.kind === 'Deployment' && o.metadata.name === hpa.spec.scaleTargetRef.name,
          ),
        );
      }
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget'))
        assert.equal(pdb.spec.minAvailable, 1);

      const pods = objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
        .map((o) => ({ name: o.metadata.name as string, spec: o.spec.template.spec as Obj }));
      for (const { name, spec } of pods) {
        assert.equal(spec.securityContext.runAsNonRoot, true, `${name} runs as non-root`);
        for (const c of spec.containers as Obj[]) {
          assert.match(c.image, /^ghcr\.io\/example\/steering:/, `${name}: the image is set`);
          assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${name} requests`);
          assert.ok(c.resources.limits.cpu && c.resources.limits.memory, `${name} limits`);
          assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
          for (const e of (c.env ?? []) as Obj[]) {
            if (/URL|KEY|SECRET|TOKEN|APP_ID/.test(e.name))
              assert.equal(
                e.valueFrom?.secretKeyRef?.name,
                'steering',
                `${name}: ${e.name} from the Secret`,
              );
          }
        }
      }
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        const c = d.spec.template.spec.containers[0];
        assert.equal(c.livenessProbe.httpGet.path, '/health', d.metadata.name);
        assert.equal(c.readinessProbe.httpGet.path, '/ready', d.metadata.name);
      }
      assert.equal(
        objects.filter((o) => o.kind === 'Secret').length,
        0,
        'secrets come from an existing Secret',
      );
      const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
      assert.equal(monitor.spec.endpoints[0].path, '/metrics');
    });
  }

  it('rejects what the schemas forbid (the validation can fail)', () => {
    assert.throws(() =>
      new HorizontalPodAutoscaler({
        metadata: { name: 'x' },
        spec: { maxReplicas: 'ten', scaleTargetRef: { kind: 'Deployment', name: 'x' } },
      } as never).validate(),
    );
  });
});

describe("steering's own repository", () => {
  it("passes the performance guideline's Kubernetes and health rules", () => {
    const r = spawnSync(process.execPath, ['bin/steering.js', 'scan', '.', '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = JSON.parse(r.stdout) as Obj;
    const findings = report.guidelines.find((g: Obj) => g.id === 'performance').findings as Obj[];
    const outcome = (id: string) => findings.find((f) => f.ruleId === id)?.outcome;
    // The guideline's reference configurations: a health endpoint, and HPAs with minReplicas >= 2.
    assert.equal(outcome('performance.health-check-implementation.reference'), 'pass');
    assert.equal(outcome('performance.resource-scaling-guidelines.reference'), 'pass');
  });
});
