/**
 * Opens a vector layer the bureau hands over — a zipped shapefile (.shp .shx .dbf .prj .cpg), GeoJSON or a
 * GeoPackage (geopackage.ts) — as
 * a stream of features (properties + geometry in the layer's own CRS). The shapefile is unpacked to a
 * temporary folder and read record by record (the `shapefile` library), so memory stays bounded whatever
 * the layer's size. The DBF's text encoding (GBK or UTF-8) is the one declared, else the .cpg's, else the
 * DBF header's language driver, else UTF-8 when the text is valid UTF-8 and GBK otherwise.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open as openFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open as openShapefile } from 'shapefile';
import yauzl from 'yauzl';
import { openGeoPackage } from './geopackage.js';

export interface LayerFeature {
  readonly properties: Record<string, unknown>;
  readonly geometry: { type: string; coordinates?: unknown } | null;
}

export interface OpenedLayer {
  /** The CRS text found (.prj WKT or GeoJSON "crs" name); undefined when none was given. */
  readonly crs?: string;
  /** The DBF encoding used and how it was chosen. */
  readonly encoding?: { name: 'utf-8' | 'gbk'; from: 'declared' | 'cpg' | 'dbf-header' | 'detected' };
  readonly format: 'shapefile' | 'geojson' | 'geopackage';
  /** How many features the layer holds, when its format says so (the DBF header, the table, the array). */
  readonly count?: number;
  features(): AsyncGenerator<LayerFeature>;
  close(): Promise<void>;
}

/** A layer that cannot be read: the reason in both languages. */
export class LayerError extends Error {
  constructor(readonly text: { zh: string; en: string }) {
    super(text.en);
  }
}

export const LAYER_LIMITS = {
  /** Unpacked size of a zipped layer. */
  maxInflatedBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 64,
} as const;

/** TextDecoder label of a .cpg or a declared encoding. */
export function encodingOf(text: string): 'utf-8' | 'gbk' | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (['utf8', '65001'].includes(t)) return 'utf-8';
  if (['gbk', '936', 'cp936', 'gb2312', 'gb18030', 'ansi936'].includes(t)) return 'gbk';
  return undefined;
}

/** The DBF header's language driver id (byte 29): 0x4D and 0x7A are Chinese GBK (code page 936). */
function encodingOfDbfHeader(header: Uint8Array): 'gbk' | undefined {
  return header[29] === 0x4d || header[29] === 0x7a ? 'gbk' : undefined;
}

async function detectDbfEncoding(
  path: string,
): Promise<{ name: 'utf-8' | 'gbk'; from: 'dbf-header' | 'detected' }> {
  const f = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    const { bytesRead } = await f.read(buf, 0, buf.length, 0);
    const header = buf.subarray(0, bytesRead);
    const byHeader = encodingOfDbfHeader(header);
    if (byHeader) return { name: byHeader, from: 'dbf-header' };
    const headerLength = header.readUInt16LE(8);
    // the last character of the sample may be cut: decode up to the last complete record only
    const recordLength = header.readUInt16LE(10) || 1;
    const records = Math.floor((bytesRead - headerLength) / recordLength);
    const sample = header.subarray(headerLength, headerLength + records * recordLength);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample);
      return { name: 'utf-8', from: 'detected' };
    } catch {
      return { name: 'gbk', from: 'detected' };
    }
  } finally {
    await f.close();
  }
}

/** The number of records a DBF header declares (bytes 4–7, little-endian). */
async function dbfRecordCount(path: string): Promise<number | undefined> {
  const f = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await f.read(buf, 0, 8, 0);
    return bytesRead === 8 ? buf.readUInt32LE(4) : undefined;
  } finally {
    await f.close();
  }
}

/** Unpacks a ZIP into `dir`, refusing archives over the limits and entries that leave the folder. */
async function unzip(zipPath: string, dir: string): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const names: string[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      zip.close();
      reject(e);
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      total += entry.uncompressedSize;
      if (names.length >= LAYER_LIMITS.maxEntries || total > LAYER_LIMITS.maxInflatedBytes)
        return fail(
          new LayerError({
            zh: `压缩包解压后超过 ${LAYER_LIMITS.maxInflatedBytes / 1024 ** 3} GB 或 ${LAYER_LIMITS.maxEntries} 个文件`,
            en: `the archive unpacks to more than ${LAYER_LIMITS.maxInflatedBytes / 1024 ** 3} GB or ${LAYER_LIMITS.maxEntries} files`,
          }),
        );
      // flattened: a folder inside the archive is fine, a path out of `dir` is impossible
      const name = `${names.length}-${basename(entry.fileName)}`;
      names.push(name);
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        pipeline(stream, createWriteStream(join(dir, name))).then(() => zip.readEntry(), fail);
      });
    });
    zip.readEntry();
  });
  return names;
}

const stripIndex = (name: string) => name.replace(/^\d+-/, '');

/**
 * Opens a layer file. `fileName` (as uploaded) tells the format: .zip (a shapefile inside; `layerName` picks
 * one when there are several, e.g. DLTB or XZQ), .geojson / .json, .gpkg (the same choice among its tables).
 */
export async function openLayer(
  path: string,
  fileName: string,
  options: { encoding?: string; layerName?: string } = {},
): Promise<OpenedLayer> {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.geojson') || lower.endsWith('.json')) return openGeoJson(path);
  if (lower.endsWith('.gpkg')) return openGeoPackage(path, fileName, options);
  if (!lower.endsWith('.zip'))
    throw new LayerError({
      zh: `文件"${fileName}"应为压缩的 Shapefile（.zip）、GeoJSON（.geojson）或 GeoPackage（.gpkg）`,
      en: `"${fileName}" should be a zipped shapefile (.zip), GeoJSON (.geojson) or GeoPackage (.gpkg)`,
    });
  const dir = await mkdtemp(join(tmpdir(), 'gep-layer-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let names: string[];
    try {
      names = await unzip(path, dir);
    } catch (e) {
      if (e instanceof LayerError) throw e;
      throw new LayerError({
        zh: `无法解压"${fileName}"：${(e as Error).message}`,
        en: `cannot unpack "${fileName}": ${(e as Error).message}`,
      });
    }
    const shps = names.filter((n) => n.toLowerCase().endsWith('.shp'));
    const wanted = options.layerName?.toLowerCase();
    const shp =
      shps.length === 1
        ? shps[0]
        : shps.find((n) => wanted && stripIndex(n).toLowerCase().startsWith(wanted));
    if (!shp)
      throw new LayerError(
        shps.length
          ? {
              zh: `压缩包内有多个图层（${shps.map(stripIndex).join('、')}），未找到 ${options.layerName ?? ''}`,
              en: `the archive holds several layers (${shps.map(stripIndex).join(', ')}); ${options.layerName ?? 'which one?'} not found`,
            }
          : { zh: '压缩包内没有 .shp 文件', en: 'the archive holds no .shp file' },
      );
    const stem = stripIndex(shp).slice(0, -4).toLowerCase();
    const sibling = (ext: string) => names.find((n) => stripIndex(n).toLowerCase() === stem + ext);
    const dbf = sibling('.dbf');
    if (!dbf)
      throw new LayerError({
        zh: `缺少属性表 ${stem}.dbf`,
        en: `the attribute table ${stem}.dbf is missing`,
      });
    const prj = sibling('.prj');
    const cpg = sibling('.cpg');
    const crs = prj ? (await readFile(join(dir, prj), 'utf8')).trim() : undefined;
    let encoding: OpenedLayer['encoding'];
    const declared = options.encoding ? encodingOf(options.encoding) : undefined;
    const fromCpg = cpg ? encodingOf(await readFile(join(dir, cpg), 'latin1')) : undefined;
    if (declared) encoding = { name: declared, from: 'declared' };
    else if (fromCpg) encoding = { name: fromCpg, from: 'cpg' };
    else encoding = await detectDbfEncoding(join(dir, dbf));
    const shpPath = join(dir, shp);
    const dbfPath = join(dir, dbf);
    return {
      crs,
      encoding,
      format: 'shapefile',
      count: await dbfRecordCount(dbfPath),
      async *features() {
        const source = await openShapefile(shpPath, dbfPath, { encoding: encoding.name });
        for (;;) {
          const r = await source.read();
          if (r.done) return;
          yield r.value as unknown as LayerFeature;
        }
      },
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function openGeoJson(path: string): Promise<OpenedLayer> {
  let doc: { type?: string; crs?: { properties?: { name?: string } }; features?: LayerFeature[] };
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as typeof doc;
  } catch (e) {
    throw new LayerError({
      zh: `GeoJSON 无法读取：${(e as Error).message}`,
      en: `the GeoJSON cannot be read: ${(e as Error).message}`,
    });
  }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new LayerError({
      zh: 'GeoJSON 应为要素集合（FeatureCollection）',
      en: 'the GeoJSON should be a FeatureCollection',
    });
  const features = doc.features;
  return {
    crs: doc.crs?.properties?.name,
    format: 'geojson',
    count: features.length,
    async *features() {
      for (const f of features) yield { properties: f.properties ?? {}, geometry: f.geometry ?? null };
    },
    close: async () => {},
  };
}
