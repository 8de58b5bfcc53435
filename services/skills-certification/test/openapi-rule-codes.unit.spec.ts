import { loadOpenApiDocument } from '@homeward/service-kit';
import { SKILLS_RULES, ruleCode } from '../src/domain/skills.rules';
import { OPENAPI_PATH } from '../src/skills-certification.app';

describe('the OpenAPI document’s RuleCode', () => {
  const document = loadOpenApiDocument(OPENAPI_PATH);
  const enumOf = (document.components!.schemas!.RuleCode as { enum: string[] }).enum;

  it('lists every rule of the domain, and beside them only the application’s own refusals', () => {
    expect(enumOf.filter((c) => c.startsWith('skills.') && c !== 'skills.evidence-file-missing').sort()).toEqual(
      SKILLS_RULES.map(ruleCode).sort(),
    );
    expect(enumOf.filter((c) => !SKILLS_RULES.map(ruleCode).includes(c as never))).toEqual([
      'skills.evidence-file-missing',
      'idempotency.key-reused',
    ]);
  });

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
});
