r"""Typeset the certificate's plain-text prose as LaTeX with real mathematics.

A certificate's statements are plain text with ASCII mathematics (the checker's canonical texts,
e.g. ``delta_p({h*}, {h}) <= 7 (K S')^(1/p) ...``), and spec descriptions are free text that may
use Unicode symbols (⊗, ≠, ∩, δ). :func:`tex_text` keeps every word and typesets the
mathematical runs in math mode: a word is *mathematical* when it carries an operator or a
subscript (``_ ^ = < > | * { } ~``, a function application ``P(h)``, a Greek name, a Unicode
symbol); runs of such words, with the single letters and numbers between them, become one
``$...$``. Everything else is escaped prose, so any text compiles.

Examples
--------
>>> print(tex_text("Ker A = {0} since rank A = S_1...S_K = 9."))
$\operatorname{Ker} A = \{0\}$ since $\operatorname{rank} A = S_1\cdots S_K = 9$.
>>> print(tex_text("delta_p({h*}, {h}) <= 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N)"))
$\delta_p(\{h^*\}, \{h\}) \leq 7 (K S')^{1/p} \varepsilon^{1-K} (\delta+\eta)/\sqrt{N}$
>>> print(tex_text("P(M) = {x ⊗ x} and P(h) ≠ P(g): 50% of it"))
$P(M) = \{x \otimes x\}$ and $P(h) \neq P(g)$: 50\% of it
"""
from __future__ import annotations

import re

__all__ = ["tex_text", "tex_escape", "tex_math"]

# Unicode symbols that are mathematics, and their TeX (used in math mode).
UNICODE_MATH = {
    "⊗": r"\otimes", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "∩": r"\cap", "∪": r"\cup", "⊂": r"\subset",
    "⊆": r"\subseteq", "⊥": r"\perp", "−": "-", "×": r"\times", "→": r"\to", "↦": r"\mapsto", "∈": r"\in",
    "∞": r"\infty", "·": r"\cdot", "…": r"\ldots", "⟨": r"\langle ", "⟩": r"\rangle ", "√": r"\sqrt ",
    "∑": r"\sum ", "∏": r"\prod ", "≈": r"\approx", "≡": r"\equiv", "∼": r"\sim", "‖": r"\|", "∅": r"\emptyset", "±": r"\pm",
    "ℝ": r"\mathbb{R}", "ℂ": r"\mathbb{C}", "ℚ": r"\mathbb{Q}", "ℤ": r"\mathbb{Z}", "∀": r"\forall", "∃": r"\exists",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "η": r"\eta",
    "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "τ": r"\tau", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma",
    "Δ": r"\Delta", "Λ": r"\Lambda", "Σ": r"\Sigma", "Φ": r"\Phi", "Ω": r"\Omega", "²": "^2", "³": "^3",
    "₀": "_0", "₁": "_1", "₂": "_2", "₃": "_3", "ₖ": "_k",
}
# Unicode prose characters and their TeX text spelling (accented Latin letters pass through:
# the preamble reads UTF-8).
UNICODE_TEXT = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~", "•": r"\textbullet{}"}
GREEK = {"delta": r"\delta", "eta": r"\eta", "eps": r"\varepsilon", "epsilon": r"\varepsilon", "sigma": r"\sigma",
         "gamma": r"\gamma", "rho": r"\rho", "lambda": r"\lambda", "alpha": r"\alpha", "mu": r"\mu"}
OPERATORS = {"Ker": r"\operatorname{Ker}", "rank": r"\operatorname{rank}", "rk": r"\operatorname{rk}",
             "max": r"\max", "min": r"\min", "dim": r"\dim"}
MATH_WORDS = set(GREEK) | {"hbar", "inf", "sqrt"}  # certainly mathematics; OPERATORS only join a run
# a function application is a one-letter name (with a subscript) or a known function: P(h), M_1(h_1),
# sqrt(N) -- not an English word with a bracket, such as claim(s)
_STRONG = re.compile(r"[_^=<>|*{}~+]|!=|->|\.\.\.|(?<![A-Za-z])[A-Za-z](_\w+)?\(|(sqrt|max|min|dim)\(|"
                     + "[" + "".join(UNICODE_MATH) + "]")
_WEAK = re.compile(r"[-+]?(\d+(\.\d+)?(/\d+)?|[A-Za-z]'?|[A-Za-z]{1,2}\d{1,3}|x|/|-|\.\.\.|\d+[a-z]?)")
_TRAILING = ".,;:"


def tex_escape(text: str) -> str:
    """``text`` as TeX prose: specials escaped, Unicode prose characters spelled out.

    >>> print(tex_escape("50% of {a_b} & ~"))
    50\\% of \\{a\\_b\\} \\& \\textasciitilde{}
    """
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
           "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
    out = []
    for ch in str(text):
        if ch in rep:
            out.append(rep[ch])
        elif ch in UNICODE_TEXT:
            out.append(UNICODE_TEXT[ch])
        elif ch in UNICODE_MATH:
            out.append(f"${UNICODE_MATH[ch]}$")
        elif ord(ch) < 0x250 or ch.isalpha() and ord(ch) < 0x370:  # Latin letters: the UTF-8 preamble knows them
            out.append(ch)
        else:
            out.append(rf"\texttt{{[U+{ord(ch):04X}]}}")
    return "".join(out)


def _core(word: str) -> str:
    core = word.strip("([")
    return core if core.endswith("...") else core.rstrip(_TRAILING + ")]")


def _kind(word: str) -> str:
    """'strong' (certainly mathematics), 'weak' (mathematics only next to a strong word) or 'prose'."""
    core = _core(word)
    if not core or core == "a":  # the English article
        return "prose"
    if core in MATH_WORDS or _STRONG.search(core) or any(ch in UNICODE_MATH for ch in core):
        return "strong"
    if re.fullmatch(r"\(\d+(\.\d+)*\)[.,;:]*", word):  # an equation or section number: (7.5)
        return "prose"
    if _WEAK.fullmatch(core) or core in OPERATORS:
        return "weak"
    return "prose"


def _ends_clause(word: str) -> bool:
    """A word ending in ':' or ';', or a sentence's '.', ends a mathematical run."""
    return word.endswith((":", ";")) or (word.endswith(".") and not word.endswith("..."))


def _balance(span: str) -> tuple[str, str, str]:
    """Split unbalanced outer brackets and trailing punctuation off a mathematical run."""
    lead = trail = ""
    while True:
        if span and span[-1] in _TRAILING and not span.endswith("..."):
            trail = span[-1] + trail
            span = span[:-1]
        elif span.endswith(")") and span.count(")") > span.count("("):
            trail = ")" + trail
            span = span[:-1]
        elif span.startswith("(") and span.count("(") > span.count(")"):
            lead += "("
            span = span[1:]
        else:
            return lead, span, trail


def _braces(expr: str) -> str:
    """``{`` after ``^``/``_`` groups (TeX), any other ``{`` ... ``}`` is a set (``\\{ ... \\}``)."""
    out, stack = [], []
    for i, ch in enumerate(expr):
        if ch == "{":
            group = i > 0 and expr[i - 1] in "^_"
            stack.append(group)
            out.append("{" if group else r"\{")
        elif ch == "}":
            group = stack.pop() if stack else False
            out.append("}" if group else r"\}")
        else:
            out.append(ch)
    return "".join(out)


def _groups(expr: str) -> str:
    """``^(...)`` -> ``^{...}`` and ``sqrt(...)`` -> ``\\sqrt{...}`` (balanced parentheses)."""
    for opener, head in (("^(", "^{"), ("sqrt(", r"\sqrt{")):
        while opener in expr:
            start = expr.index(opener)
            depth, j = 0, start + len(opener) - 1
            for j in range(start + len(opener) - 1, len(expr)):
                depth += {"(": 1, ")": -1}.get(expr[j], 0)
                if depth == 0:
                    break
            if depth:  # unbalanced: leave it as it is
                expr = expr[:start] + head.rstrip("{") + "(" + expr[start + len(opener):]
                break
            expr = expr[:start] + head + expr[start + len(opener):j] + "}" + expr[j + 1:]
    return expr


def tex_math(expr: str) -> str:
    r"""One ASCII (or Unicode) mathematical expression in TeX (the body of ``$...$``).

    >>> print(tex_math("||P(h*) - P(hbar)|| <= u (delta + eta)"))
    \|P(h^*) - P(\bar{h})\| \leq u (\delta + \eta)
    >>> print(tex_math("R^{S_1} x ... x R^{S_K}"))
    \mathbb{R}^{S_1} \times \cdots \times \mathbb{R}^{S_K}
    >>> print(tex_math("sigma_min(A)^2 in [1/4, 1/2]"))
    \sigma_{\min}(A)^2 \in [1/4, 1/2]
    """
    s = expr.replace("%", r"\%").replace("#", r"\#").replace("&", r"\&").replace("$", r"\$")
    s = s.replace("**", "^")
    s = _braces(s)
    s = re.sub(r"([A-Za-z])\*(?=[)_,}\s|\\]|$)", "\\1^\0", s)  # h* (a point), not u*(...) (a product)
    s = s.replace("_*", "_\0")  # R_*: the non-zero reals
    s = _groups(s.replace(" * ", r" \ast ").replace("*", " ").replace("\0", "*"))  # u*(v): a product
    s = re.sub(r"_([0-9]{2,})", r"_{\1}", s)  # Z_16
    s = re.sub(r"(?<![A-Za-z])sigma_min(?![A-Za-z0-9_])", r"\\sigma_{\\min}", s)
    # an identifier such as n_rows or sigma_min_numeric is a name, not a subscript (nor two): kept aside
    names: list[str] = []

    def name(m) -> str:
        names.append(r"\mathrm{" + m.group(1).replace("_", r"\_") + "}")
        return f"\x01{len(names) - 1}\x01"

    s = re.sub(r"(?<![\\A-Za-z0-9])([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+){2,}|[A-Za-z]+_[A-Za-z]{2,}[A-Za-z0-9]*)"
               r"(?![A-Za-z0-9_])", name, s)
    s = re.sub(r"(?<![A-Za-z])hbar", r"\\bar{h}", s)
    s = re.sub(r"<(?![=-])([^<>=\s]{1,12})(?<![-])>", r"\\langle \1\\rangle", s)
    for ascii_op, tex in (("!=", r"\neq"), ("<=", r"\leq"), (">=", r"\geq"), ("->", r"\to"), ("~", r"\approx"),
                          ("...", r"\cdots"), ("||", r"\|")):
        s = s.replace(ascii_op, tex + " " if tex[-1].isalpha() else tex)
    s = re.sub(r"(?<![A-Za-z\\])R(?=[\^_])", r"\\mathbb{R}", s)
    s = re.sub(r"(?<![A-Za-z\\])Z(?=_)", r"\\mathbb{Z}", s)
    s = re.sub(r"(?<=\s)x(?=\s)", r"\\times", s)
    s = re.sub(r"(?<=\s)in(?=\s)", r"\\in", s)
    s = re.sub(r"(?<![A-Za-z\\])inf(?![A-Za-z])", r"\\infty", s)
    for word, tex in {**GREEK, **OPERATORS}.items():
        s = re.sub(rf"(?<![A-Za-z\\]){word}(?![A-Za-z])", tex.replace("\\", "\\\\"), s)
    s = "".join(UNICODE_MATH.get(ch, ch) + (" " if UNICODE_MATH.get(ch, "")[-1:].isalpha() else "") for ch in s)
    s = re.sub(r"(\\[A-Za-z]+)(?=[0-9])", r"\1 ", s)  # a command never runs into a digit
    s = re.sub(r"(\\[A-Za-z]+) +(?=[_^}),.;:])", r"\1", s)
    s = re.sub("\x01([0-9]+)\x01", lambda m: names[int(m.group(1))], s)
    return re.sub(r" {2,}", " ", s).strip()


def tex_text(text: str) -> str:
    """Plain text with ASCII or Unicode mathematics as LaTeX prose with ``$...$`` math (see the
    module docstring); every word is kept."""
    pieces = re.split(r"(\s+)", str(text))
    words = pieces[0::2]
    kinds = [_kind(w) for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        if kinds[i] == "prose" or not words[i]:
            out.append(tex_escape(words[i]))
            if i < len(words) - 1:
                out.append(pieces[2 * i + 1])
            i += 1
            continue
        j = i
        while j + 1 < len(words) and kinds[j + 1] != "prose" and words[j + 1] and not _ends_clause(words[j]):
            j += 1
        if "strong" not in kinds[i:j + 1]:
            run = [tex_escape(words[t]) + (pieces[2 * t + 1] if t < len(words) - 1 else "") for t in range(i, j + 1)]
            out.append("".join(run))
            i = j + 1
            continue
        span = " ".join(words[i:j + 1])
        lead, body, trail = _balance(span)
        out.append(f"{tex_escape(lead)}${tex_math(body)}${tex_escape(trail)}")
        if j < len(words) - 1:
            out.append(pieces[2 * j + 1])
        i = j + 1
    return "".join(out)
