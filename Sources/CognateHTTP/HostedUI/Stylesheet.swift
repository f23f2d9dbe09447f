/// The hosted pages' own stylesheet. Pool or client CSS (SetUICustomization) follows it and so
/// can override any rule; the class names end in `-customizable` where Cognito's do.
enum Stylesheet {
    static let base = """
    :root { --accent: #1f5fbf; --accent-dark: #17478f; --text: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #f3f5f8; --error: #b42318; --ok: #1a7f37; }
    * { box-sizing: border-box; }
    html { font-size: 100%; }
    body { margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center; padding: 3rem 1rem;
      background: var(--bg); color: var(--text); font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { width: 100%; max-width: 26rem; background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 2rem 2rem 1.5rem;
      box-shadow: 0 1px 3px rgba(27,31,36,.08), 0 8px 24px rgba(27,31,36,.06); }
    .banner-customizable { text-align: center; margin-bottom: 1.25rem; }
    .logo-customizable { display: block; max-width: 100%; max-height: 5rem; margin: 0 auto .75rem; }
    .pool-name { margin: 0; font-size: 1rem; font-weight: 600; color: var(--muted); }
    h1 { font-size: 1.5rem; line-height: 1.25; margin: .25rem 0 1.25rem; text-align: center; }
    p { margin: 0 0 1rem; }
    form { margin: 0; }
    .field { margin-bottom: 1rem; }
    label, .label-customizable { display: block; font-weight: 600; font-size: .9375rem; margin-bottom: .375rem; }
    .optional { font-weight: 400; color: var(--muted); }
    input.inputField-customizable { display: block; width: 100%; padding: .625rem .75rem; font: inherit; color: var(--text); background: #fff;
      border: 1px solid #8c959f; border-radius: 8px; }
    input.inputField-customizable:focus { outline: 3px solid rgba(31,95,191,.35); outline-offset: 1px; border-color: var(--accent); }
    .hint { display: block; font-size: .8125rem; color: var(--muted); margin-top: .375rem; }
    button, .submitButton-customizable { display: block; width: 100%; padding: .7rem 1rem; font: inherit; font-weight: 600; color: #fff;
      background: var(--accent); border: 0; border-radius: 8px; cursor: pointer; }
    button:hover, .submitButton-customizable:hover { background: var(--accent-dark); }
    button:focus-visible { outline: 3px solid rgba(31,95,191,.45); outline-offset: 2px; }
    button.secondary { color: var(--accent); background: transparent; border: 1px solid var(--line); margin-top: .75rem; }
    button.secondary:hover { background: #f6f8fa; }
    a { color: var(--accent); }
    a:focus-visible { outline: 3px solid rgba(31,95,191,.45); outline-offset: 2px; }
    .alert { padding: .75rem 1rem; border-radius: 8px; margin-bottom: 1rem; font-size: .9375rem; }
    .errorMessage-customizable { background: #fef3f2; border: 1px solid #fda29b; color: var(--error); }
    .notice { background: #effaf3; border: 1px solid #8fd4a5; color: #0f5323; }
    .links { margin-top: 1.25rem; padding-top: 1rem; border-top: 1px solid var(--line); text-align: center; font-size: .9375rem; }
    .links p { margin: .25rem 0; }
    .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: .2em; }
    fieldset.field { border: 0; padding: 0; }
    legend { font-weight: 600; font-size: .9375rem; margin-bottom: .375rem; }
    .choice { display: flex; align-items: center; gap: .5rem; margin: 0 0 .5rem; }
    .choice label { display: inline; margin: 0; font-weight: 400; }
    .qr { margin: 0 0 1rem; text-align: center; }
    .qr svg { width: 12rem; height: 12rem; }
    .qr figcaption { font-size: .875rem; color: var(--muted); margin-top: .5rem; overflow-wrap: anywhere; }
    .qr code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--text); }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    """
}
