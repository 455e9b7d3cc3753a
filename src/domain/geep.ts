import { Dec, ZERO } from './decimal.js';

/**
 * GEEP (经济生态生产总值), after Wang Jinnan et al. 2018 (中国人口·资源与环境 28(2)):
 *   green GDP = GDP − pollution (environmental degradation) cost − ecological damage cost
 *   GEEP      = green GDP + regulating-service value
 * Only regulating services are added: provisioning and cultural services are already inside GDP.
 * All amounts in 元.
 */
export interface GeepInputs {
  readonly gdp: Dec;
  readonly pollutionCost: Dec;
  readonly ecologicalDamageCost: Dec;
  readonly regulatingValue: Dec;
}

export interface GeepResult extends GeepInputs {
  readonly greenGdp: Dec;
  readonly geep: Dec;
}

export function accountGeep(i: GeepInputs): GeepResult {
  const greenGdp = i.gdp.minus(i.pollutionCost).minus(i.ecologicalDamageCost);
  return { ...i, greenGdp, geep: greenGdp.plus(i.regulatingValue) };
}

/** Change from one year to the next as a fraction (0.05 = +5 %); undefined when the base is zero. */
export function yearOverYear(current: Dec, previous: Dec | undefined): Dec | undefined {
  if (!previous || previous.isZero()) return undefined;
  return current.minus(previous).div(previous);
}

export interface GepIndicators {
  /** 元/km² */
  readonly gepPerKm2?: Dec;
  /** 元/人 */
  readonly gepPerCapita?: Dec;
  /** GEP / GDP (dimensionless) */
  readonly gepToGdp?: Dec;
  /** fraction */
  readonly growth?: Dec;
}

/** Derived indicators for comparing townships: GEP per km², per capita, GEP/GDP and growth. */
export function gepIndicators(args: {
  gep: Dec;
  areaKm2: Dec;
  population: Dec;
  gdp: Dec;
  previousGep?: Dec;
}): GepIndicators {
  const ratio = (a: Dec, b: Dec) => (b.isZero() ? undefined : a.div(b));
  return {
    gepPerKm2: ratio(args.gep, args.areaKm2),
    gepPerCapita: ratio(args.gep, args.population),
    gepToGdp: ratio(args.gep, args.gdp),
    growth: yearOverYear(args.gep, args.previousGep),
  };
}

/**
 * Ecosystem asset value (生态资产价值) as the net present value of a constant annual service flow,
 * annuity-due form (the first year is not discounted): Σ_{i=1..n} F / (1 + r)^(i−1)
 * (Bo Wenjing, Ouyang Zhiyun et al. 2017: n = 100 a, r = 2.77 %).
 */
export function assetValueAnnuityDue(flow: Dec, rate: Dec, years: number): Dec {
  if (!Number.isInteger(years) || years < 1)
    throw new RangeError('the horizon is a whole number of years ≥ 1');
  if (rate.lte(-1)) throw new RangeError('the discount rate must be above −100 %');
  if (rate.isZero()) return flow.times(years);
  // geometric series 1 + v + … + v^(n−1) = (1 − vⁿ) / (1 − v)
  const [numerator, denominator] = annuityTerms(rate, years);
  return flow.times(numerator).div(denominator);
}

/**
 * 1 − vⁿ and 1 − v (v = 1 / (1 + r)) of a rate and horizon, made once: a balance sheet values every township's
 * flow at the same rate and horizon (vⁿ at 34 digits twice per township before). The same decimals each time, so the
 * figures are those of computing them afresh. A few rates kept (a report may ask for its own).
 */
const annuityCache = new Map<string, readonly [Dec, Dec]>();
function annuityTerms(rate: Dec, years: number): readonly [Dec, Dec] {
  const key = `${rate.toString()}|${years}`;
  let terms = annuityCache.get(key);
  if (!terms) {
    const v = new Dec(1).div(new Dec(1).plus(rate));
    terms = [new Dec(1).minus(v.pow(years)), new Dec(1).minus(v)];
    if (annuityCache.size >= 16) annuityCache.clear();
    annuityCache.set(key, terms);
  }
  return terms;
}

/** The same flow as an ordinary annuity (every year discounted): Σ_{i=1..n} F / (1 + r)^i. */
export function presentValueOrdinary(flow: Dec, rate: Dec, years: number): Dec {
  let total = ZERO;
  for (let i = 1; i <= years; i++) total = total.plus(flow.div(new Dec(1).plus(rate).pow(i)));
  return total;
}
