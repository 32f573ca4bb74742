import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { suiteJsonSchema } from '../../src/suite/json-schema.ts';

describe('suite.schema.json', () => {
  it('is the schema the code generates (regenerate with `evalbench schema > suite.schema.json`)', () => {
    const committed = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../suite.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(suiteJsonSchema())));
  });
});
