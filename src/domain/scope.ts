import type { CompiledSet } from './model.js';

/**
 * What a clerk may edit: the townships and the responsible departments (责任单位, by their Chinese name as the
 * set's inputs give it) they are bound to. An empty list does not restrict; both lists restrict together.
 */
export interface EditScope {
  readonly townships: readonly string[];
  readonly departments: readonly string[];
}

export const UNRESTRICTED: EditScope = { townships: [], departments: [] };

export const isRestricted = (s: EditScope | undefined): s is EditScope =>
  !!s && (s.townships.length > 0 || s.departments.length > 0);

export const mayEditTownship = (s: EditScope | undefined, township: string) =>
  !s || !s.townships.length || s.townships.includes(township);

/** The department (zh name) responsible for a stored field ("input" or "input.landClass"); undefined if unknown. */
export const departmentOf = (set: CompiledSet, field: string): string | undefined =>
  set.inputs.find((i) => i.id === field.split('.')[0])?.department.zh;

/** Whether the scope lets its holder change this field (an override or unknown field: only without departments). */
export const mayEditField = (s: EditScope | undefined, set: CompiledSet, field: string) => {
  if (!s || !s.departments.length) return true;
  const dept = departmentOf(set, field);
  return dept !== undefined && s.departments.includes(dept);
};

/** The distinct responsible departments of a set's inputs, in catalogue order: what a clerk may be bound to. */
export function departmentsOf(set: CompiledSet): { zh: string; en: string }[] {
  const seen = new Map<string, { zh: string; en: string }>();
  for (const i of set.inputs) if (!seen.has(i.department.zh)) seen.set(i.department.zh, i.department);
  return [...seen.values()];
}

/** The fields of a change the scope does not allow, in the order given. */
export function fieldsOutOfScope(
  s: EditScope | undefined,
  set: CompiledSet,
  township: string,
  fields: readonly string[],
): string[] {
  if (!isRestricted(s)) return [];
  if (!mayEditTownship(s, township)) return [...fields];
  return fields.filter((f) => !mayEditField(s, set, f));
}
