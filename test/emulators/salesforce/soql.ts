// The SOQL subset the connector sends, parsed and evaluated for the Salesforce emulator:
// SELECT fields FROM Object [WHERE cond] [ORDER BY field [ASC|DESC]] [LIMIT n], where cond
// combines `field = literal`, `field != literal` and `field IN (literals)` with AND, OR
// and parentheses. Literals: 'strings' (with \' and \\ escapes), numbers, true/false, null.

export type Literal = string | number | boolean | null;
type Cond =
  | { op: "eq" | "ne"; field: string; value: Literal }
  | { op: "in"; field: string; values: Literal[] }
  | { op: "and" | "or"; left: Cond; right: Cond };

export interface Query {
  fields: string[];
  object: string;
  where: Cond | undefined;
  orderBy: { field: string; desc: boolean } | undefined;
  limit: number | undefined;
}

/** A query Salesforce refuses: MALFORMED_QUERY, or INVALID_FIELD / INVALID_TYPE for names the org lacks. */
export class SoqlError extends Error {
  readonly code: string;
  constructor(message: string, code = "MALFORMED_QUERY") {
    super(message);
    this.code = code;
  }
}

type Token = { kind: "word"; value: string } | { kind: "string"; value: string } | { kind: "number"; value: number } | { kind: "punct"; value: string };

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        const c = soql[i];
        if (c === undefined) throw new SoqlError("unterminated string literal");
        if (c === "\\") {
          const next = soql[i + 1];
          if (next === undefined) throw new SoqlError("bad escape");
          value += next === "n" ? "\n" : next;
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: "string", value });
    } else if (/[0-9]/.test(ch)) {
      const m = /^\d+(\.\d+)?/.exec(soql.slice(i));
      tokens.push({ kind: "number", value: Number(m?.[0]) });
      i += m?.[0].length ?? 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(soql.slice(i));
      tokens.push({ kind: "word", value: m?.[0] ?? ch });
      i += m?.[0].length ?? 1;
    } else if (soql.startsWith("!=", i)) {
      tokens.push({ kind: "punct", value: "!=" });
      i += 2;
    } else if ("(),=".includes(ch)) {
      tokens.push({ kind: "punct", value: ch });
      i++;
    } else {
      throw new SoqlError(`unexpected character ${JSON.stringify(ch)}`);
    }
  }
  return tokens;
}

export function parseSoql(soql: string): Query {
  const t = tokenize(soql);
  let p = 0;
  const peek = () => t[p];
  const isWord = (w: string) => {
    const tok = t[p];
    return tok?.kind === "word" && tok.value.toUpperCase() === w;
  };
  const expectWord = (w: string) => {
    if (!isWord(w)) throw new SoqlError(`expected ${w}`);
    p++;
  };
  const expectPunct = (v: string) => {
    const tok = t[p];
    if (tok?.kind !== "punct" || tok.value !== v) throw new SoqlError(`expected ${v}`);
    p++;
  };
  const name = () => {
    const tok = t[p];
    if (tok?.kind !== "word") throw new SoqlError("expected a name");
    p++;
    return tok.value;
  };
  const literal = (): Literal => {
    const tok = t[p++];
    if (!tok) throw new SoqlError("expected a value");
    if (tok.kind === "string" || tok.kind === "number") return tok.value;
    if (tok.kind === "word" && /^(true|false)$/i.test(tok.value)) return tok.value.toLowerCase() === "true";
    if (tok.kind === "word" && /^null$/i.test(tok.value)) return null;
    throw new SoqlError("expected a value");
  };

  expectWord("SELECT");
  const fields = [name()];
  while (peek()?.kind === "punct" && peek()?.value === ",") {
    p++;
    fields.push(name());
  }
  expectWord("FROM");
  const object = name();

  const primary = (): Cond => {
    if (peek()?.kind === "punct" && peek()?.value === "(") {
      p++;
      const c = orExpr();
      expectPunct(")");
      return c;
    }
    const field = name();
    if (isWord("IN")) {
      p++;
      expectPunct("(");
      const values = [literal()];
      while (peek()?.kind === "punct" && peek()?.value === ",") {
        p++;
        values.push(literal());
      }
      expectPunct(")");
      return { op: "in", field, values };
    }
    const tok = t[p++];
    if (tok?.kind !== "punct" || (tok.value !== "=" && tok.value !== "!=")) throw new SoqlError("expected = , != or IN");
    return { op: tok.value === "=" ? "eq" : "ne", field, value: literal() };
  };
  const andExpr = (): Cond => {
    let left = primary();
    while (isWord("AND")) {
      p++;
      left = { op: "and", left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Cond => {
    let left = andExpr();
    while (isWord("OR")) {
      p++;
      left = { op: "or", left, right: andExpr() };
    }
    return left;
  };

  let where: Cond | undefined;
  if (isWord("WHERE")) {
    p++;
    where = orExpr();
  }
  let orderBy: Query["orderBy"];
  if (isWord("ORDER")) {
    p++;
    expectWord("BY");
    const field = name();
    let desc = false;
    if (isWord("DESC")) {
      desc = true;
      p++;
    } else if (isWord("ASC")) p++;
    orderBy = { field, desc };
  }
  let limit: number | undefined;
  if (isWord("LIMIT")) {
    p++;
    const v = literal();
    if (typeof v !== "number") throw new SoqlError("LIMIT takes a number");
    limit = v;
  }
  if (p !== t.length) throw new SoqlError("unexpected text after the query");
  return { fields, object, where, orderBy, limit };
}

const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v ?? null);

export function matches(record: Record<string, unknown>, cond: Cond | undefined): boolean {
  if (!cond) return true;
  switch (cond.op) {
    case "eq":
      return norm(record[cond.field]) === norm(cond.value);
    case "ne":
      return norm(record[cond.field]) !== norm(cond.value);
    case "in":
      return cond.values.some((v) => norm(record[cond.field]) === norm(v));
    case "and":
      return matches(record, cond.left) && matches(record, cond.right);
    case "or":
      return matches(record, cond.left) || matches(record, cond.right);
  }
}

/** Every field a query names, for the emulator to check they exist. */
export function fieldsNamed(q: Query): string[] {
  const out = [...q.fields];
  const walk = (c: Cond | undefined) => {
    if (!c) return;
    switch (c.op) {
      case "and":
      case "or":
        walk(c.left);
        walk(c.right);
        return;
      default:
        out.push(c.field);
    }
  };
  walk(q.where);
  if (q.orderBy) out.push(q.orderBy.field);
  return out;
}
