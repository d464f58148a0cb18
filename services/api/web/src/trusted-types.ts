// The page's Content-Security-Policy requires Trusted Types: a plain string assigned to innerHTML
// and the like goes through this default policy, which lets only the empty string through (the
// chart library clears its container that way) and throws on anything else. So no string, least
// of all post text, is ever parsed as HTML, whatever a library or a later change tries.

type Policy = { createHTML: (s: string) => string };
type TrustedTypesApi = { createPolicy: (name: string, rules: Policy) => unknown };

const tt = (globalThis as { trustedTypes?: TrustedTypesApi }).trustedTypes;
tt?.createPolicy('default', {
  createHTML: (s: string) => {
    if (s === '') return '';
    throw new TypeError('the workbench never parses a string as HTML');
  },
});
