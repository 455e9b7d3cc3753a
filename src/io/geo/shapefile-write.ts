/**
 * Writes polygon shapefiles (.shp .shx .dbf .cpg .prj) record by record to disk, the DBF in UTF-8 or GBK:
 * for the sample layers (示例数据), the tests and the benchmark. Memory: the .shx index (8 bytes a record).
 */
import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import { Zip, ZipPassThrough } from 'fflate';

export interface DbfField {
  readonly name: string;
  readonly type: 'C' | 'N';
  readonly length: number;
  readonly decimals?: number;
}

type Ring = readonly (readonly [number, number])[];

/** Shapefile order: outer rings clockwise, holes counter-clockwise (signed area < 0 is clockwise). */
function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return s / 2;
}

export class PolygonShapefileWriter {
  private readonly shp: number;
  private readonly dbf: number;
  private readonly index: number[] = [];
  private offsetWords = 50;
  private readonly bbox = [Infinity, Infinity, -Infinity, -Infinity];
  private readonly recordLength: number;
  private count = 0;
  private pending: Buffer[] = [];
  private pendingDbf: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly stem: string,
    private readonly fields: readonly DbfField[],
    private readonly options: {
      encoding: 'utf-8' | 'gbk';
      prj?: string;
      cpg?: boolean;
      dbfLanguageDriver?: number;
    },
  ) {
    this.shp = openSync(`${stem}.shp`, 'w');
    this.dbf = openSync(`${stem}.dbf`, 'w');
    writeSync(this.shp, Buffer.alloc(100));
    this.recordLength = 1 + fields.reduce((a, f) => a + f.length, 0);
    writeSync(this.dbf, Buffer.alloc(32 + 32 * fields.length + 1));
  }

  /** One polygon (outer ring first, then holes; each ring closed or not) and its attributes. */
  add(rings: readonly Ring[], properties: Record<string, string | number | null | undefined>): void {
    const oriented = rings.map((r, i) => {
      const closed = r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1] ? r : [...r, r[0]!];
      const clockwise = signedArea(closed) < 0;
      return (i === 0) === clockwise ? closed : [...closed].reverse();
    });
    const points = oriented.reduce((a, r) => a + r.length, 0);
    const contentBytes = 44 + 4 * oriented.length + 16 * points;
    const rec = Buffer.alloc(8 + contentBytes);
    rec.writeInt32BE(++this.count, 0);
    rec.writeInt32BE(contentBytes / 2, 4);
    rec.writeInt32LE(5, 8);
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const r of oriented)
      for (const [x, y] of r) {
        b[0] = Math.min(b[0]!, x);
        b[1] = Math.min(b[1]!, y);
        b[2] = Math.max(b[2]!, x);
        b[3] = Math.max(b[3]!, y);
      }
    b.forEach((v, i) => rec.writeDoubleLE(v, 12 + 8 * i));
    for (let i = 0; i < 4; i++) this.bbox[i] = (i < 2 ? Math.min : Math.max)(this.bbox[i]!, b[i]!);
    rec.writeInt32LE(oriented.length, 44);
    rec.writeInt32LE(points, 48);
    let at = 52;
    let start = 0;
    for (const r of oriented) {
      rec.writeInt32LE(start, at);
      at += 4;
      start += r.length;
    }
    for (const r of oriented)
      for (const [x, y] of r) {
        rec.writeDoubleLE(x, at);
        rec.writeDoubleLE(y, at + 8);
        at += 16;
      }
    this.index.push(this.offsetWords, contentBytes / 2);
    this.offsetWords += rec.length / 2;
    this.pending.push(rec);
    this.pendingDbf.push(this.dbfRecord(properties));
    this.pendingBytes += rec.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  private dbfRecord(properties: Record<string, string | number | null | undefined>): Buffer {
    const out = Buffer.alloc(this.recordLength, 0x20);
    let at = 1;
    for (const f of this.fields) {
      const v = properties[f.name];
      let bytes: Buffer;
      if (v === null || v === undefined) bytes = Buffer.alloc(0);
      else if (f.type === 'N')
        bytes = Buffer.from(typeof v === 'number' ? v.toFixed(f.decimals ?? 0) : v, 'latin1');
      else
        bytes =
          this.options.encoding === 'gbk' ? iconv.encode(String(v), 'gbk') : Buffer.from(String(v), 'utf8');
      if (bytes.length > f.length)
        throw new Error(`${f.name}: "${String(v)}" is longer than ${f.length} bytes`);
      // numbers right-aligned, text left-aligned
      bytes.copy(out, f.type === 'N' ? at + f.length - bytes.length : at);
      at += f.length;
    }
    return out;
  }

  private flush() {
    if (this.pending.length) writeSync(this.shp, Buffer.concat(this.pending));
    if (this.pendingDbf.length) writeSync(this.dbf, Buffer.concat(this.pendingDbf));
    this.pending = [];
    this.pendingDbf = [];
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    const header = (words: number) => {
      const h = Buffer.alloc(100);
      h.writeInt32BE(9994, 0);
      h.writeInt32BE(words, 24);
      h.writeInt32LE(1000, 28);
      h.writeInt32LE(5, 32);
      this.bbox.forEach((v, i) => h.writeDoubleLE(this.count ? v : 0, 36 + 8 * i));
      return h;
    };
    writeSync(this.shp, header(this.offsetWords), 0, 100, 0);
    closeSync(this.shp);
    const shx = Buffer.alloc(100 + 4 * this.index.length);
    header(50 + 2 * this.index.length).copy(shx);
    this.index.forEach((v, i) => shx.writeInt32BE(v, 100 + 4 * i));
    writeFileSync(`${this.stem}.shx`, shx);
    const h = Buffer.alloc(32 + 32 * this.fields.length + 1);
    const now = new Date(2021, 11, 31);
    h[0] = 0x03;
    h[1] = now.getFullYear() - 1900;
    h[2] = now.getMonth() + 1;
    h[3] = now.getDate();
    h.writeUInt32LE(this.count, 4);
    h.writeUInt16LE(h.length, 8);
    h.writeUInt16LE(this.recordLength, 10);
    h[29] = this.options.dbfLanguageDriver ?? 0;
    this.fields.forEach((f, i) => {
      const at = 32 + 32 * i;
      h.write(f.name, at, 10, 'latin1');
      h.write(f.type, at + 11, 1, 'latin1');
      h[at + 16] = f.length;
      h[at + 17] = f.decimals ?? 0;
    });
    h[h.length - 1] = 0x0d;
    writeSync(this.dbf, h, 0, h.length, 0);
    writeSync(this.dbf, Buffer.from([0x1a]));
    closeSync(this.dbf);
    if (this.options.cpg !== false)
      writeFileSync(`${this.stem}.cpg`, this.options.encoding === 'gbk' ? 'GBK' : 'UTF-8');
    if (this.options.prj) writeFileSync(`${this.stem}.prj`, this.options.prj);
  }
}

/** The ESRI .prj of a CGCS2000 3° Gauss–Krüger zone with the zone number in the easting (zone 40: 120°E). */
export function cgcs2000ZonePrj(zone: number): string {
  return (
    `PROJCS["CGCS2000_3_Degree_GK_Zone_${zone}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",` +
    `DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],` +
    `UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${zone * 1_000_000 + 500_000}.0],` +
    `PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${zone * 3}.0],PARAMETER["Scale_Factor",1.0],` +
    `PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
  );
}

/** Zips files (stored, not compressed) into `zipPath`, streaming: memory bounded by one chunk. */
export async function zipFiles(
  zipPath: string,
  files: readonly { path: string; name: string }[],
): Promise<void> {
  const out = openSync(zipPath, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const zip = new Zip((err, chunk, final) => {
        if (err) return reject(err);
        writeSync(out, chunk);
        if (final) resolve();
      });
      for (const f of files) {
        const entry = new ZipPassThrough(f.name);
        zip.add(entry);
        const fd = openSync(f.path, 'r');
        const buf = Buffer.alloc(1 << 20);
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, null);
          if (!n) break;
          entry.push(Uint8Array.prototype.slice.call(buf, 0, n));
        }
        closeSync(fd);
        entry.push(new Uint8Array(0), true);
      }
      zip.end();
    });
  } finally {
    closeSync(out);
  }
}

/** The files of a shapefile written under `stem`, named `<name>.<ext>` in an archive. */
export function shapefileParts(stem: string, name: string, withPrj = true, withCpg = true) {
  const exts = ['shp', 'shx', 'dbf', ...(withCpg ? ['cpg'] : []), ...(withPrj ? ['prj'] : [])];
  return exts.map((ext) => ({ path: `${stem}.${ext}`, name: `${name}.${ext}` }));
}
