/**
 * Externally modelled quantities (overrides) are honoured or refused with a message, never dropped.
 * A per-land-class component's override is split over the classes in proportion to the formula's own
 * split when the record has the formula's inputs and the formula gives a non-zero total; otherwise it is
 * taken as a total, not allocated to land classes, and valued with the value formula, which must then not
 * vary by land class. These rules are shared by validation (refuse early) and the engine (apply).
 */
import type { CompiledSet, ComponentModel } from './model.js';

/** How an override of a per-class component was spread: by the formula's split, or not at all. */
export type OverrideAllocation = 'by_formula' | 'unallocated';

export interface Bilingual {
  zh: string;
  en: string;
}

/** Symbols of a component's value formula whose value differs by land class. */
export function classDependentValueSymbols(set: CompiledSet, c: ComponentModel): string[] {
  return c.value.checked.symbols.filter((name) => {
    if (name === 'Q') return false;
    const p = set.parameters.get(name);
    if (p) return p.values !== undefined;
    const input = set.inputs.find((i) => i.id === name);
    if (input) return input.perLandClass;
    const other = set.components.find((x) => x.id === name);
    return other?.landClasses !== null && other?.landClasses !== undefined;
  });
}

/** Scalar inputs the value formula reads (they must be given for an override to be valued). */
export function valueInputs(set: CompiledSet, c: ComponentModel): string[] {
  return c.value.checked.symbols.filter((name) => set.inputs.some((i) => i.id === name && !i.perLandClass));
}

/**
 * Why an override of component `c` cannot be honoured for a record that has the inputs `has` says; or
 * undefined when it can (split by the formula or taken as an unallocated total).
 */
export function overrideRefusal(
  set: CompiledSet,
  c: ComponentModel,
  has: (inputId: string) => boolean,
): Bilingual | undefined {
  const missingValueInputs = valueInputs(set, c).filter((id) => !has(id));
  if (missingValueInputs.length && c.plan.value)
    return {
      zh: `“${c.labels.zh}”的价值公式需要指标 ${missingValueInputs.join('、')}，外部实物量无法估值；请填写这些指标`,
      en: `the value formula of "${c.labels.en}" needs ${missingValueInputs.join(', ')}: the external quantity cannot be valued without them`,
    };
  if (!c.landClasses || !c.plan.value) return undefined;
  const missing = c.inputsUsed.filter((id) => !has(id));
  if (!missing.length) return undefined;
  const byClass = classDependentValueSymbols(set, c);
  if (!byClass.length) return undefined;
  return {
    zh: `“${c.labels.zh}”按地类计算，价值公式随地类变化（${byClass.join('、')}），只给总量无法估值；请填写 ${missing.join('、')}，以便按地类分摊`,
    en: `"${c.labels.en}" is computed per land class and its value formula varies by class (${byClass.join(', ')}): a total alone cannot be valued; give ${missing.join(', ')} so that it can be split over the classes`,
  };
}
