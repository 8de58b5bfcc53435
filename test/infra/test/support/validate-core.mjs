// Validates Kubernetes core resources with kubernetes-models (its ajv validators compiled from the Kubernetes
// OpenAPI schemas). kubernetes-models is published as ES modules only, which jest (CommonJS here) cannot load,
// so the test runs this file in a node process of its own: the resources come as a JSON array on stdin, and the
// answer is a JSON array on stdout, one entry per resource: null when valid, else the validator's message.
import { readFileSync } from 'node:fs';

const groups = {
  v1: 'v1',
  'apps/v1': 'apps/v1',
  'policy/v1': 'policy/v1',
  'autoscaling/v2': 'autoscaling/v2',
  'networking.k8s.io/v1': 'networking.k8s.io/v1',
  'batch/v1': 'batch/v1',
};

const resources = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const resource of resources) {
  const dir = groups[resource.apiVersion];
  if (!dir) {
    results.push(`no Kubernetes schema for apiVersion ${resource.apiVersion}`);
    continue;
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${dir}/${resource.kind}`))[resource.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    results.push(`no Kubernetes schema for ${resource.apiVersion} ${resource.kind}`);
    continue;
  }
  try {
    new Model(resource).validate();
    results.push(null);
  } catch (error) {
    results.push(String(error.message ?? error));
  }
}
process.stdout.write(JSON.stringify(results));
