import { loadOpenApiDocument } from '@homeward/service-kit';
import { OPENAPI_PATH } from '../src/emergency-fund.app';

describe('the OpenAPI document', () => {
  const document = loadOpenApiDocument(OPENAPI_PATH);

  it('bounds every string, array and number of the requests and answers', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      const bounded = (key: string) =>
        schema[key] !== undefined || schema.enum !== undefined || schema.format === 'date-time' || schema.format === 'uuid';
      if (schema.type === 'string' && !bounded('maxLength') && !/Quarantine|Release/.test(path)) unbounded.push(path);
      if (schema.type === 'array' && schema.maxItems === undefined) unbounded.push(path);
      if (schema.type === 'integer' && schema.maximum === undefined && !/version|heldEvents|attempts|publishedEvents/.test(path))
        unbounded.push(path);
      for (const [key, value] of Object.entries(schema)) visit(value, `${path}/${key}`);
    };
    visit(document.components!.schemas, '#/components/schemas');
    expect(unbounded).toEqual([]);
  });

  it('names an operation for every route the controllers serve', () => {
    const operations = Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>)
        .map((op) => op.operationId)
        .filter(Boolean),
    );
    expect([...operations].sort()).toEqual(
      [
        'publishPolicyVersion',
        'getPolicyVersions',
        'fileClaim',
        'listClaims',
        'getClaim',
        'submitClaim',
        'attachDocument',
        'assessClaim',
        'approveClaim',
        'rejectClaim',
        'appealClaim',
        'disburseClaim',
        'reconcilePayment',
        'importStatement',
        'cancelClaim',
        'expireReservation',
        'closeClaim',
        'addCaseNotes',
        'readCaseNotes',
        'getMember',
        'recordContribution',
        'allocateBudget',
        'getTrialBalance',
        'listQuarantinedStreams',
        'getQuarantinedStream',
        'releaseQuarantinedStream',
      ].sort(),
    );
  });
});
