/**
 * Two DLTB vintages with stable parcel ids (BSM, 标识码) → transition matrices per township (land-vintages.ts
 * does the join). Parcels are read one at a time from each layer; codes that match no township or class
 * are listed per vintage, as in the land-use import, and take no part in the join.
 */
import { codeClassifier, ParcelAggregator, type UnmatchedGroup } from '../../domain/land-parcels.js';
import { VintageJoin, type UnjoinedGroup } from '../../domain/land-vintages.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';
import { dltbParcels, type TownshipCode } from './dltb.js';
import { LayerError, type OpenedLayer } from './layer.js';

export interface VintageResult {
  readonly matrices: Map<string, Record<string, Record<string, string>>>;
  readonly unjoined: UnjoinedGroup[];
  readonly issues: InputIssue[];
  readonly unmatched: {
    readonly opening: readonly UnmatchedGroup[];
    readonly closing: readonly UnmatchedGroup[];
  };
  readonly parcels: { readonly opening: number; readonly closing: number };
}

export async function readVintages(
  opening: OpenedLayer,
  closing: OpenedLayer,
  set: CompiledSet,
  townships: readonly TownshipCode[],
  options: { onProgress?: (parcels: number) => void } = {},
): Promise<VintageResult> {
  const byCode = new Map(townships.map((t) => [t.adminCode, t.id]));
  const classify = codeClassifier(set.landClasses);
  const join = new VintageJoin(set.landClasses.map((c) => c.id));
  const listed = {
    opening: new ParcelAggregator(set.landClasses, byCode),
    closing: new ParcelAggregator(set.landClasses, byCode),
  };
  let before = 0;
  for (const [which, layer] of [
    ['opening', opening],
    ['closing', closing],
  ] as const) {
    const onProgress = options.onProgress && ((n: number) => options.onProgress!(before + n));
    for await (const p of dltbParcels(layer, { onProgress })) {
      if (!p.bsm)
        throw new LayerError({
          zh: `${which === 'opening' ? '期初' : '期末'}图层第 ${p.n} 个图斑缺少标识码 BSM`,
          en: `parcel ${p.n} of the ${which} layer has no id (BSM)`,
        });
      listed[which].add(p);
      const township = byCode.get(p.zldwdm.trim().slice(0, 9));
      const landClass = classify(p.dlbm.trim());
      if (!township || !landClass) continue;
      const parcel = { id: p.bsm, township, landClass, areaM2: p.area };
      if (which === 'opening') join.addOpening(parcel);
      else join.addClosing(parcel);
    }
    before += listed[which].result().parcels;
  }
  const r = join.result();
  const o = listed.opening.result();
  const c = listed.closing.result();
  return {
    ...r,
    unmatched: { opening: o.unmatched, closing: c.unmatched },
    parcels: { opening: o.parcels, closing: c.parcels },
  };
}
