import type { paths } from "./schema";

// A typed fetch over the service's own feature endpoints (/api/app). Paths, bodies and answers come from the
// OpenAPI document (src/api/schema.d.ts, generated; a test fails when it is stale), so the app and the endpoints
// cannot drift apart.

type Method = "get" | "post" | "put" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type Success<O> = O extends { responses: infer R }
  ? { [K in keyof R]: K extends 200 | 201 | 202 ? (R[K] extends { content: { "application/json": infer J } } ? J : undefined) : never }[keyof R]
  : never;
type Body<O> = O extends { requestBody?: { content: { "application/json": infer B } } } ? Partial<B> : undefined;

export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

let csrfToken: string | null = null;

async function csrf(): Promise<string> {
  if (csrfToken) return csrfToken;
  const response = await fetch("/api/app/auth/csrf", { credentials: "same-origin" });
  csrfToken = ((await response.json()) as { csrfToken: string }).csrfToken;
  return csrfToken;
}

/** The token is bound to the session: after signing in or out, fetch a new one. */
export function forgetCsrfToken() {
  csrfToken = null;
}

function fill(path: string, params: Record<string, string>) {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}

export async function api<P extends keyof paths & string, M extends Method>(
  method: M,
  path: P,
  options: { params?: Record<string, string>; query?: Record<string, string | number | string[] | undefined>; body?: Body<Operation<P, M>> } = {},
): Promise<Success<Operation<P, M>>> {
  let url = fill(path, options.params ?? {});
  // A list is sent as the parameter repeated, one value each (how the endpoints bind lists).
  const query = Object.entries(options.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]) as [string, string | number | undefined][])
    .filter(([, v]) => v !== undefined && v !== "");
  if (query.length) url += "?" + new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString();
  const headers: Record<string, string> = {};
  if (method !== "get") headers["x-csrf-token"] = await csrf();
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers,
    credentials: "same-origin",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const message =
      typeof json?.message === "string"
        ? json.message
        : Array.isArray(json?.error)
          ? json.error.map((e: { path?: string[]; message: string }) => `${(e.path ?? []).join(".")}: ${e.message}`).join("; ")
          : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message);
  }
  return json as Success<Operation<P, M>>;
}
