import type { PathSegment } from './issue-path.ts';

/** A JSON Schema node, as z.toJSONSchema emits it. Read-only plain data. */
export type JsonSchemaNode = { [key: string]: unknown };

/**
 * Walks a JSON Schema along a data path, choosing among anyOf/oneOf options by the data found
 * there (type and `const` discriminators), so error messages can say what was expected.
 */
export class JsonSchemaPath {
  constructor(private readonly root: JsonSchemaNode) {}

  /** The schema for the value at `path` (alternatives left open at the last step), or undefined. */
  at(path: readonly PathSegment[], data: unknown): JsonSchemaNode | undefined {
    let node: JsonSchemaNode | undefined = this.deref(this.root);
    let value = data;
    for (const seg of path) {
      if (!node) return undefined;
      node = this.narrow(node, value);
      node = this.child(node, seg);
      value = childValue(value, seg);
    }
    return node && this.deref(node);
  }

  /** The option of an anyOf/oneOf that fits `value`; the node itself when nothing decides. */
  narrow(node: JsonSchemaNode, value: unknown): JsonSchemaNode {
    node = this.deref(node);
    const options = alternatives(node);
    if (!options) return node;
    const fit = options.map((o) => this.deref(o)).find((o) => fits(o, value));
    return fit ? this.narrow(fit, value) : node;
  }

  /** Keys an object schema allows (its `properties`). */
  allowedKeys(path: readonly PathSegment[], data: unknown): string[] {
    const node = this.at(path, data);
    if (!node) return [];
    const props = this.narrow(node, valueAt(data, path)).properties;
    return isObj(props) ? Object.keys(props) : [];
  }

  private child(node: JsonSchemaNode, seg: PathSegment): JsonSchemaNode | undefined {
    if (typeof seg === 'number') return isObj(node.items) ? this.deref(node.items) : undefined;
    const props = node.properties;
    if (isObj(props) && isObj(props[seg])) return this.deref(props[seg] as JsonSchemaNode);
    return isObj(node.additionalProperties) ? this.deref(node.additionalProperties) : undefined;
  }

  private deref(node: JsonSchemaNode): JsonSchemaNode {
    const ref = node.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
    let target: unknown = this.root;
    for (const part of ref.slice(2).split('/')) target = isObj(target) ? target[part] : undefined;
    return isObj(target) ? target : node;
  }
}

export function alternatives(node: JsonSchemaNode): JsonSchemaNode[] | undefined {
  const list = node.anyOf ?? node.oneOf;
  return Array.isArray(list) ? (list.filter(isObj) as JsonSchemaNode[]) : undefined;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const seg of path) value = childValue(value, seg);
  return value;
}

function childValue(value: unknown, seg: PathSegment): unknown {
  if (Array.isArray(value) && typeof seg === 'number') return value[seg];
  if (isObj(value) && typeof seg === 'string') return value[seg];
  return undefined;
}

/** JSON type of a value, with integers told apart from other numbers. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(option: JsonSchemaNode, value: unknown): boolean {
  const t = jsonType(value);
  const types = option.type === undefined ? undefined : ([] as unknown[]).concat(option.type);
  if (types && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return false;
  // Discriminated unions: every `const` property the value has must match.
  if (isObj(value) && isObj(option.properties)) {
    for (const [key, prop] of Object.entries(option.properties)) {
      if (isObj(prop) && 'const' in prop && key in value && value[key] !== prop.const) return false;
    }
  }
  return true;
}

function isObj(v: unknown): v is JsonSchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
