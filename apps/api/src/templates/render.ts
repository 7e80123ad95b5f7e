import { LiquidError, type Liquid } from 'liquidjs';
import type compileMjmlDocument from 'mjml';
import { sealedLiquid } from './sealed-liquid';

/**
 * The MJML compiler, loaded on first use: it takes about 0.4 s to load, which every process start
 * (the CLI's commands, API and worker processes that never compile an email) would pay.
 */
let compiler: Promise<typeof compileMjmlDocument> | null = null;
const mjml2html = async (...args: Parameters<typeof compileMjmlDocument>) => (await (compiler ??= import('mjml').then((m) => m.default)))(...args);

/**
 * One engine for all templates. Own properties only and render/memory limits: a template is
 * written by a marketer, and must not reach prototypes, files or stall a send worker.
 */
const limits = {
  ownPropertyOnly: true,
  strictFilters: true,
  cache: 500,
  parseLimit: 500_000,
  renderLimit: 2_000,
  memoryLimit: 20_000_000,
};
const liquid = sealedLiquid(limits);
/** For HTML bodies: values (traits, event properties) are escaped, so a trait cannot inject markup. */
const htmlLiquid = sealedLiquid({ ...limits, outputEscape: 'escape' });

export interface TemplateIssue {
  /** A variant's field is named by its place: `variants.1.subject`. */
  field: 'name' | 'subject' | 'body' | 'url' | 'senderId' | 'variants' | `variants.${number}.${'key' | 'subject' | 'body' | 'senderName' | 'sendOffsetMinutes'}`;
  line: number | null;
  column: number | null;
  message: string;
}

export class TemplateError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(issues.map((i) => `${i.field}${i.line ? ` line ${i.line}` : ''}${i.column ? `:${i.column}` : ''}: ${i.message}`).join('; '));
  }
}

function liquidIssue(field: TemplateIssue['field'], err: unknown): TemplateIssue {
  if (err instanceof LiquidError) {
    const [line, column] = err.token?.getPosition?.() ?? [];
    // liquidjs appends ", line:N, col:M" and the source excerpt; the position is reported separately.
    const message = (err.message.split('\n')[0] ?? err.message).replace(/,?\s*line:\d+, col:\d+$/, '');
    return { field, line: line ?? null, column: column ?? null, message };
  }
  return { field, line: null, column: null, message: (err as Error).message };
}

/** Liquid syntax of every field and, for email, the MJML layout of the body. */
export async function validateTemplate(t: { channel: string; subject: string; body: string; url: string }): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  for (const field of ['subject', 'body', 'url'] as const) {
    try {
      liquid.parse(t[field]);
    } catch (err) {
      issues.push(liquidIssue(field, err));
    }
  }
  if (t.channel === 'email') {
    if (!/<mjml[\s>]/.test(t.body)) issues.push({ field: 'body', line: 1, column: null, message: 'an email body is an MJML document: it starts with <mjml>' });
    else if (!issues.some((i) => i.field === 'body')) issues.push(...(await mjmlIssues(t.body)));
  }
  return issues;
}

const liquidMarks = (s: string) => (s.match(/\{\{|\{%/g) ?? []).length;

async function mjmlIssues(source: string): Promise<TemplateIssue[]> {
  try {
    const result = await mjml2html(source, { validationLevel: 'soft' });
    const issues: TemplateIssue[] = result.errors.map((e) => ({ field: 'body' as const, line: e.line ?? null, column: null, message: `MJML: ${e.message}` }));
    // The layout is compiled once and liquid runs on its HTML: liquid the compiler drops would be lost silently.
    if (liquidMarks(result.html) < liquidMarks(source)) {
      issues.push({ field: 'body', line: null, column: null, message: 'liquid placed between MJML components is dropped by the layout: put it inside <mj-text>, <mj-raw> or an attribute' });
    }
    return issues;
  } catch (err) {
    return [{ field: 'body', line: null, column: null, message: `MJML: ${(err as Error).message}` }];
  }
}

// liquidjs caches templates it loads from files, not strings: parse each template text once.
const parsed = new Map<string, ReturnType<Liquid['parse']>>();

function parseCached(engine: Liquid, source: string, html: boolean): ReturnType<Liquid['parse']> {
  const key = `${html ? 'h' : 't'}${source}`;
  let tpl = parsed.get(key);
  if (!tpl) {
    tpl = engine.parse(source);
    if (parsed.size >= 1_000) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, tpl);
  }
  return tpl;
}

export async function renderLiquid(field: TemplateIssue['field'], source: string, context: object, html = false): Promise<string> {
  const engine = html ? htmlLiquid : liquid;
  try {
    return (await engine.render(parseCached(engine, source, html), context)) as string;
  } catch (err) {
    throw new TemplateError([liquidIssue(field, err)]);
  }
}

const compiled = new Map<string, Promise<string>>();

/**
 * MJML compiles the layout once per template body (it costs milliseconds, a send must not),
 * then liquid fills the HTML per recipient.
 */
function compileMjml(source: string): Promise<string> {
  let html = compiled.get(source);
  if (!html) {
    if (compiled.size >= 200) compiled.delete(compiled.keys().next().value!);
    html = mjml2html(source, { validationLevel: 'soft', keepComments: false }).then((r) => r.html);
    html.catch(() => compiled.delete(source));
    compiled.set(source, html);
  }
  return html;
}

export async function renderEmailHtml(source: string, context: object): Promise<string> {
  return renderLiquid('body', await compileMjml(source), context, true);
}
