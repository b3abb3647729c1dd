/** JUnit XML, the report format CI systems read: suites of test cases, each passed or failed with a message. */

export interface JunitCase {
  readonly name: string;
  /** null when the case passed. */
  readonly failure: string | null;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
}

export function escapeXml(text: string): string {
  // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function junitXml(name: string, suites: readonly JunitSuite[]): string {
  const failures = (s: JunitSuite): number => s.cases.filter((c) => c.failure !== null).length;
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failed = suites.reduce((n, s) => n + failures(s), 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${escapeXml(name)}" tests="${tests}" failures="${failed}">`];
  for (const s of suites) {
    lines.push(`  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${failures(s)}">`);
    for (const c of s.cases) {
      const head = `    <testcase classname="${escapeXml(s.name)}" name="${escapeXml(c.name)}"`;
      if (c.failure === null) lines.push(`${head}/>`);
      else lines.push(`${head}>`, `      <failure message="${escapeXml(c.failure.split('\n')[0] ?? '')}">${escapeXml(c.failure)}</failure>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
