// Failures of the team workbook as sentences a person can act on. A message never
// holds a password: every connection URL in it is shown without one.

/** A failure with a message fit to show as it is (already redacted). */
export class TeamError extends Error {
  constructor(
    message: string,
    /** 'rejected' when what the person asked for was refused (exit 3), 'failed' otherwise (exit 1). */
    readonly kind: 'failed' | 'rejected' = 'failed',
  ) {
    super(redact(message));
    this.name = 'TeamError';
  }
}

const URL_WITH_USERINFO = /\b(postgres(?:ql)?:\/\/)([^@\s/]*)@/gi;

/** The text with the password of every postgres URL in it taken out, and each secret given removed wherever it appears. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_WITH_USERINFO, (_all, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0];
    return `${scheme}${user}${userinfo.includes(':') ? ':***' : ''}@`;
  });
  for (const secret of secrets) {
    if (secret && secret.length >= 1) out = out.split(secret).join('***');
  }
  return out;
}

/** A URL as it may be shown: without its password. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return redact(url);
  }
}
