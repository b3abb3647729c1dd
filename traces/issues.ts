/**
 * Turning a zod issue into a TraceError a person can act on: the dotted field path and what
 * was wrong with the value that was there ("missing field", "must be at least 0, got -1").
 */
import type { z } from 'zod';
import type { TraceError } from './format.ts';
import { isPlainObject, jsonKind, preview } from './json_line.ts';

type Issue = z.core.$ZodIssue;

/** The error for the first issue, with `prefix` (`event`) in front of its path. */
export function issueError(line: number, err: z.ZodError, input: unknown, prefix: string): TraceError {
  const issue = err.issues[0];
  if (issue === undefined) return { line, message: 'invalid', field: prefix === '' ? null : prefix };
  const path = issue.path.map(String);
  const value = valueAt(input, path);
  const full = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path;
  const field = [prefix, ...full].filter((p) => p !== '').join('.');
  return { line, message: describeIssue(issue, value), field: field === '' ? null : field };
}

function describeIssue(issue: Issue, value: Present): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_type':
      if (!value.present) return 'missing field';
      return `expected ${article(issue.expected)}, got ${jsonKind(value.value)}`;
    case 'too_small':
      return `${boundWord(issue.origin, 'at least')} ${String(issue.minimum)}, got ${measure(issue.origin, value)}`;
    case 'too_big':
      return `${boundWord(issue.origin, 'at most')} ${String(issue.maximum)}, got ${measure(issue.origin, value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${previewPresent(value)}`;
    case 'invalid_format':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      return issue.message;
  }
}

type Present = { present: true; value: unknown } | { present: false };

function valueAt(input: unknown, path: readonly string[]): Present {
  let cur: unknown = input;
  for (const k of path) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, k)) cur = cur[k];
    else return { present: false };
  }
  return cur === undefined ? { present: false } : { present: true, value: cur };
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function boundWord(origin: string, bound: string): string {
  if (origin === 'array' || origin === 'set') return `must have ${bound}`;
  if (origin === 'string') return `must be ${bound} (characters)`;
  return `must be ${bound}`;
}

function measure(origin: string, value: Present): string {
  if (!value.present) return 'nothing';
  const v = value.value;
  if (Array.isArray(v)) return `${v.length} item(s)`;
  if (typeof v === 'string' && origin === 'string') return `${v.length} characters`;
  return previewPresent(value);
}

function previewPresent(value: Present): string {
  return value.present ? preview(value.value) : 'nothing';
}
