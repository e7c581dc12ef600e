import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the put and delivery paths, registered in a prom-client registry
 * as custom metrics (prom-client formats and serves them with the rest). prom-client's own
 * `inc`/`observe` validate and hash the label object on every call (~0.3–0.8 µs); here a series
 * is found by its label values joined into one key, then updated in place (~0.05 µs), and the
 * exposition values are built only at scrape time. Label names are fixed at construction; a
 * label missing from a call counts as the empty string.
 */

type Labels<L extends string> = Readonly<Partial<Record<L, string>>>;

interface MetricValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

interface MetricData {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: MetricValue[];
  readonly aggregator: 'sum';
}

interface Definition<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  readonly registers: readonly Registry[];
}

abstract class FastMetric<L extends string, S extends { readonly labels: Record<string, string> }> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum' as const;
  protected readonly series = new Map<string, S>();
  /** Bumped by reset, so bound handles find their series again. */
  protected generation = 0;

  constructor(def: Definition<L>) {
    this.name = def.name;
    this.help = def.help;
    this.labelNames = def.labelNames ?? [];
    for (const r of def.registers) r.registerMetric(this as never);
  }

  protected abstract create(labels: Record<string, string>): S;

  /** The series key: the label values in labelNames order, joined. */
  protected key(labels: Labels<L> | undefined): string {
    const names = this.labelNames;
    let key = '';
    for (let i = 0; i < names.length; i++) key += i === 0 ? (labels?.[names[i]!] ?? '') : `\u0000${labels?.[names[i]!] ?? ''}`;
    return key;
  }

  /** The series of these label values, made on first use. */
  protected find(labels: Labels<L> | undefined): S {
    const key = this.key(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels?.[n] ?? '';
      s = this.create(own);
      this.series.set(key, s);
    }
    return s;
  }

  /** Forgets every series. */
  reset(): void {
    this.series.clear();
    this.generation++;
  }
}

interface CounterSeries {
  readonly labels: Record<string, string>;
  value: number;
}

/** A monotonic counter per label set. */
export class FastCounter<L extends string = string> extends FastMetric<L, CounterSeries> {
  readonly type = 'counter' as const;

  protected create(labels: Record<string, string>): CounterSeries {
    return { labels, value: 0 };
  }

  inc(labels?: Labels<L>, n = 1): void {
    this.find(labels).value += n;
  }

  /** A handle bound to one label set (for a hot caller with fixed labels); the series is made on first use. */
  child(labels: Labels<L>): { inc(n?: number): void } {
    let s: CounterSeries | undefined;
    let gen = -1;
    return {
      inc: (n = 1): void => {
        if (gen !== this.generation) {
          s = this.find(labels);
          gen = this.generation;
        }
        s!.value += n;
      },
    };
  }

  /** The current value of one series (0 when it was never incremented). */
  value(labels?: Labels<L>): number {
    return this.series.get(this.key(labels))?.value ?? 0;
  }

  get(): MetricData {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) values.push({ labels: { ...s.labels }, value: s.value });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

interface HistogramSeries {
  readonly labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram per label set with fixed upper bounds (seconds, ascending). */
export class FastHistogram<L extends string = string> extends FastMetric<L, HistogramSeries> {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];

  constructor(def: Definition<L> & { readonly buckets: readonly number[] }) {
    super(def);
    this.buckets = [...def.buckets].sort((a, b) => a - b);
  }

  protected create(labels: Record<string, string>): HistogramSeries {
    return { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }

  /** Records one value; a non-finite value is ignored (it would poison the sum). */
  observe(labels: Labels<L> | undefined, value: number): void {
    if (Number.isFinite(value)) this.#record(this.find(labels), value);
  }

  /** A handle bound to one label set; the series is made on first use. */
  child(labels: Labels<L>): { observe(value: number): void } {
    let s: HistogramSeries | undefined;
    let gen = -1;
    return {
      observe: (value: number): void => {
        if (!Number.isFinite(value)) return;
        if (gen !== this.generation) {
          s = this.find(labels);
          gen = this.generation;
        }
        this.#record(s!, value);
      },
    };
  }

  #record(s: HistogramSeries, value: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  get(): MetricData {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: i < this.buckets.length ? this.buckets[i]! : '+Inf', ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
