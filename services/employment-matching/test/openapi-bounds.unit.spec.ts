import { loadOpenApiDocument } from '@homeward/service-kit';
import { OPENAPI_PATH } from '../src/employment-matching.app';

describe('the OpenAPI document', () => {
  const document = loadOpenApiDocument(OPENAPI_PATH);

  it('bounds every string, array and number of the requests and answers, so that the relay can always encode them', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      const bounded = (key: string) =>
        schema[key] !== undefined || schema.enum !== undefined || schema.format === 'date-time' || schema.format === 'uuid';
      if (schema.type === 'string' && !bounded('maxLength') && !path.includes('/admin')) unbounded.push(path);
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
    expect(operations).toEqual(
      expect.arrayContaining([
        'postVacancy',
        'listVacancies',
        'getVacancy',
        'closeVacancy',
        'withdrawVacancy',
        'listVacancyReferrals',
        'registerJobSeeker',
        'getJobSeeker',
        'setJobSeekerPreferences',
        'leaveJobSeekerRegister',
        'makeReferral',
        'getReferral',
        'recordInterview',
        'closeReferral',
        'recordHire',
        'endPlacement',
      ]),
    );
  });
});
