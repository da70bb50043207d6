"""Writes test/fixtures/*.json: reference values for the library, computed by PyTorch in float64.

PyTorch is an independent implementation of the same equations, so agreement to ~1e-9 relative
error says both compute softmax, log-sum-exp, the score functions, scaled dot-product attention
(Vaswani et al., "Attention Is All You Need", 2017, Eq. 1) and multi-head attention (ibid.,
§3.2.2) the same way. PyTorch is only needed to regenerate these files; test/reference.test.ts
reads the JSON and never imports Python.

Run from the repository root (see test/fixtures/README.md for the environment):

    .venv-torch/bin/python scripts/make_fixtures.py

The output is deterministic: every random draw comes from a torch.Generator with a fixed seed
(recorded in each file), PyTorch runs on one CPU thread with deterministic algorithms so sums
are always taken in the same order, and floats are written with repr (Python's shortest
round-trip form), so a re-run produces byte-identical files and JavaScript's JSON.parse reads
back exactly the float64 values PyTorch produced.

Conventions mapped to the library's (README, "Glossary of symbols"):
- masks are boolean [n, m] with True = "this query may see this key". SDPA's boolean attn_mask
  uses the same polarity; nn.MultiheadAttention's uses the opposite (True = may NOT attend);
- causal means query i sees keys j <= i (a top-left aligned lower triangle), also when n != m;
- weights are stored for row vectors (X·W): wQuery = in_proj_weight[0:E].T and so on;
- rows that may see no key are never generated (PyTorch gives NaN weights there, we give zeros).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "test" / "fixtures"

DTYPE = torch.float64

# One seed per fixture file, so adding a case to one file leaves the others unchanged.
SEEDS = {"softmax": 20240101, "attention": 20240102, "multihead": 20240103, "scores": 20240104}

# Random inputs are rounded to this many decimals before use: the rounded numbers are the inputs
# (PyTorch and the library both read them from the JSON), and short decimals keep the files small.
INPUT_DECIMALS = 4

# How closely the script's own cross-checks (is_causal vs an explicit mask, SDPA vs the weights,
# MHA vs the same maths written out by hand) must agree before anything is written.
SELF_CHECK_TOL = 1e-12


# ---------------------------------------------------------------------------------------------
# Helpers


def generator(name: str) -> torch.Generator:
    """A CPU generator seeded with the fixed seed of fixture file `name`."""
    return torch.Generator().manual_seed(SEEDS[name])


def randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    """Seeded normal draws times `scale`, rounded to INPUT_DECIMALS decimals, in float64."""
    x = torch.randn(*shape, generator=gen, dtype=DTYPE) * scale
    return torch.round(x, decimals=INPUT_DECIMALS)


def random_mask(gen: torch.Generator, n: int, m: int, p: float = 0.6) -> torch.Tensor:
    """A boolean [n, m] mask, True = may attend, that leaves no row fully masked.

    Every row i keeps a True among keys j <= i, so the mask combined with the causal mask
    also leaves every query a key to see.
    """
    mask = torch.rand(n, m, generator=gen, dtype=DTYPE) < p
    for i in range(n):
        seen = min(i, m - 1) + 1  # keys 0 … min(i, m − 1) are the ones the causal mask keeps
        if not bool(mask[i, :seen].any()):
            j = int(torch.randint(seen, (1,), generator=gen))
            mask[i, j] = True
    return mask


def tril_mask(n: int, m: int) -> torch.Tensor:
    """The causal mask built explicitly: [n, m], True where key j <= query i (top-left aligned)."""
    return torch.ones(n, m, dtype=torch.bool).tril(diagonal=0)


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """softmax over the last dimension with masked entries (mask False) set to -inf first."""
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def check_close(what: str, a: torch.Tensor, b: torch.Tensor) -> None:
    """Stops the script unless a and b agree entry by entry to SELF_CHECK_TOL."""
    if a.shape != b.shape or not torch.allclose(a, b, rtol=SELF_CHECK_TOL, atol=SELF_CHECK_TOL):
        diff = (a - b).abs().max().item() if a.shape == b.shape else "shapes differ"
        sys.exit(f"make_fixtures: self-check failed: {what} (max |diff| {diff})")


def tolist(x: torch.Tensor) -> Any:
    """A tensor as nested Python lists of floats (or bools), refusing NaN and infinities."""
    if x.dtype != torch.bool and not bool(torch.isfinite(x).all()):
        sys.exit("make_fixtures: refusing to write a non-finite value")
    return x.tolist()


def meta(name: str) -> dict[str, Any]:
    """The provenance block every fixture file starts with."""
    return {
        "generator": "scripts/make_fixtures.py",
        "torch": torch.__version__,
        "dtype": "float64",
        "seed": SEEDS[name],
        "inputDecimals": INPUT_DECIMALS,
    }


def to_json(value: Any, indent: int = 0) -> str:
    """JSON with objects and lists of lists indented, and lists of scalars on one line.

    Floats go through json.dumps, which writes repr(float): the shortest string that reads
    back as the same double.
    """
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        items = [pad + to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(value, allow_nan=False, separators=(", ", ": "))


def write(name: str, content: dict[str, Any]) -> None:
    """Writes test/fixtures/<name>.json and prints one line with its size."""
    path = OUT_DIR / f"{name}.json"
    text = to_json({"meta": meta(name), **content}) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}  {len(text.encode('utf-8')) / 1024:7.1f} KiB")


# ---------------------------------------------------------------------------------------------
# 1. softmax and logsumexp


def softmax_fixtures() -> dict[str, Any]:
    """Rows of scores with torch.softmax and torch.logsumexp over each row."""
    gen = generator("softmax")

    vectors: list[tuple[str, list[float]]] = [
        ("random length 1", randn(gen, 1, scale=3).tolist()),
        ("random length 2", randn(gen, 2, scale=3).tolist()),
        ("random length 5", randn(gen, 5, scale=3).tolist()),
        ("random length 16", randn(gen, 16, scale=3).tolist()),
        ("random length 16, spread 100", randn(gen, 16, scale=100).tolist()),
        # Overflow: exp(1000) is +inf in float64, so only the max shift gives an answer.
        ("overflow [1000, 1001]", [1000.0, 1001.0]),
        # Underflow: exp(-1000) is 0, so without the shift the sum is 0 and every weight 0/0.
        ("underflow [-1000, -1001]", [-1000.0, -1001.0]),
        ("length 1, large [1000]", [1000.0]),
        ("length 1, negative [-1000]", [-1000.0]),
        ("equal entries", [7.0, 7.0, 7.0, 7.0]),
        # Spreads so wide that some weights underflow to 0 or land among the subnormals.
        ("large spread [-800, 0, 800]", [-800.0, 0.0, 800.0]),
        ("subnormal weight [-745, 0]", [-745.0, 0.0]),
        ("spread [-300, -1, 0, 300]", [-300.0, -1.0, 0.0, 300.0]),
        ("nearly equal [1e4, 1e4 + 1e-3]", [1e4, 1e4 + 1e-3]),
    ]
    vector_cases = []
    for name, xs in vectors:
        x = torch.tensor(xs, dtype=DTYPE)
        vector_cases.append(
            {
                "name": name,
                "x": tolist(x),
                "softmax": tolist(torch.softmax(x, dim=-1)),
                "logSumExp": torch.logsumexp(x, dim=-1).item(),
            }
        )

    matrix_cases = []
    shapes = [("random 1x1", 1, 1, 3.0), ("random 4x7", 4, 7, 3.0), ("random 8x3", 8, 3, 3.0)]
    shapes += [("random 5x6, spread 50", 5, 6, 50.0)]
    for name, n, m, scale in shapes:
        x = randn(gen, n, m, scale=scale)
        matrix_cases.append(
            {
                "name": name,
                "x": tolist(x),
                "mask": None,
                "softmax": tolist(torch.softmax(x, dim=-1)),
                "logSumExp": tolist(torch.logsumexp(x, dim=-1)),
            }
        )
    for name, n, m in [("random 6x9, masked", 6, 9), ("random 3x4, masked", 3, 4)]:
        x = randn(gen, n, m, scale=3)
        mask = random_mask(gen, n, m)
        # The log-sum-exp of each row over its visible entries only.
        lse = torch.logsumexp(x.masked_fill(~mask, float("-inf")), dim=-1)
        matrix_cases.append(
            {
                "name": name,
                "x": tolist(x),
                "mask": tolist(mask),
                "softmax": tolist(masked_softmax(x, mask)),
                "logSumExp": tolist(lse),
            }
        )

    return {"vectors": vector_cases, "matrices": matrix_cases}


# ---------------------------------------------------------------------------------------------
# 2. scaled dot-product attention


def sdpa_case(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    variant: str,
    mask: torch.Tensor | None,
    causal: bool,
) -> dict[str, Any]:
    """One variant of F.scaled_dot_product_attention and its weights, checked against each other.

    `mask` and `causal` are the library's options (mask True = may attend). PyTorch refuses an
    attn_mask together with is_causal, so the two are combined explicitly for that variant.
    """
    n, d_k = q.shape
    m = k.shape[0]
    effective = mask
    if causal:
        effective = tril_mask(n, m) if mask is None else mask & tril_mask(n, m)

    if causal and mask is None:
        output = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        # The claim that is_causal is the top-left aligned triangle (key j <= query i), checked.
        explicit = F.scaled_dot_product_attention(q, k, v, attn_mask=tril_mask(n, m))
        check_close(f"is_causal vs tril mask, n={n} m={m}", output, explicit)
    else:
        # SDPA's boolean attn_mask: True = takes part in attention, the library's polarity.
        output = F.scaled_dot_product_attention(q, k, v, attn_mask=effective)

    # SDPA does not return its weights; they are softmax(Q·Kᵀ/√dK) with masked scores at -inf.
    scores = q @ k.T / math.sqrt(d_k)  # (n, dK)·(dK, m) → (n, m)
    weights = masked_softmax(scores, effective)
    check_close(f"SDPA output vs weights·V, {variant}", output, weights @ v)

    options: dict[str, Any] = {}
    if mask is not None:
        options["mask"] = tolist(mask)
    if causal:
        options["causal"] = True
    return {
        "variant": variant,
        "options": options,
        "effectiveMask": None if effective is None else tolist(effective),
        "output": tolist(output),
        "weights": tolist(weights),
    }


def attention_fixtures() -> dict[str, Any]:
    """SDPA for several (n, m, dK, dV): unmasked, random mask, causal, and mask with causal."""
    gen = generator("attention")
    shapes = [(1, 1, 1, 1), (3, 5, 4, 2), (8, 8, 16, 16), (7, 13, 8, 3), (9, 4, 5, 6)]
    shapes += [(32, 32, 64, 64)]
    cases = []
    for n, m, d_k, d_v in shapes:
        q = randn(gen, n, d_k)
        k = randn(gen, m, d_k)
        v = randn(gen, m, d_v)
        mask = random_mask(gen, n, m)
        variants = [
            sdpa_case(q, k, v, "unmasked", None, False),
            sdpa_case(q, k, v, "mask", mask, False),
            sdpa_case(q, k, v, "causal", None, True),
        ]
        # The largest shape skips the combined variant to keep the file small.
        if n * m <= 256:
            variants.append(sdpa_case(q, k, v, "mask and causal", mask, True))
        cases.append(
            {
                "name": f"n={n} m={m} dK={d_k} dV={d_v}",
                "n": n,
                "m": m,
                "dK": d_k,
                "dV": d_v,
                "queries": tolist(q),
                "keys": tolist(k),
                "values": tolist(v),
                "variants": variants,
            }
        )
    return {"cases": cases}


# ---------------------------------------------------------------------------------------------
# 3. multi-head self-attention


def mha_by_hand(
    x: torch.Tensor, w: dict[str, torch.Tensor], heads: int, mask: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Multi-head attention written out in the library's convention, to check the mapping.

    Row vectors and X·W; head h takes columns h·dHead … (h+1)·dHead − 1; True = may attend.
    """
    n, e = x.shape
    d_head = e // heads

    # 1. Project: (n, E)·(E, E) → (n, E) for queries, keys and values.
    q, k, v = x @ w["wQuery"], x @ w["wKey"], x @ w["wValue"]

    # 2. Split into heads: (n, E) → (heads, n, dHead).
    q, k, v = (t.reshape(n, heads, d_head).transpose(0, 1) for t in (q, k, v))

    # 3. Attend per head: (heads, n, dHead)·(heads, dHead, n) → (heads, n, n).
    weights = masked_softmax(q @ k.transpose(1, 2) / math.sqrt(d_head), mask)
    mixed = weights @ v  # (heads, n, n)·(heads, n, dHead) → (heads, n, dHead)

    # 4. Concatenate heads in order and project: (n, E)·(E, E) → (n, E).
    return mixed.transpose(0, 1).reshape(n, e) @ w["wOut"], weights


def multihead_fixtures() -> dict[str, Any]:
    """nn.MultiheadAttention self-attention with seeded weights, mapped to the library's form."""
    gen = generator("multihead")
    cases = []
    for n, e, heads in [(1, 4, 1), (5, 8, 2), (6, 12, 3), (4, 16, 4)]:
        mha = torch.nn.MultiheadAttention(
            embed_dim=e, num_heads=heads, bias=False, batch_first=True, dtype=DTYPE
        )
        x = randn(gen, n, e)
        with torch.no_grad():
            # Seeded weights of scale 1/√E (the module's own initialisation uses the global RNG).
            mha.in_proj_weight.copy_(randn(gen, 3 * e, e, scale=1 / math.sqrt(e)))
            mha.out_proj.weight.copy_(randn(gen, e, e, scale=1 / math.sqrt(e)))
        mha.eval()

        # PyTorch computes y = x·Aᵀ with A = in_proj_weight of shape [3E, E] (rows: q, k, v);
        # the library computes X·W with W of shape [dIn, dOut], so W = Aᵀ, block by block.
        a = mha.in_proj_weight.detach()
        weights = {
            "wQuery": a[0:e].T,
            "wKey": a[e : 2 * e].T,
            "wValue": a[2 * e : 3 * e].T,
            "wOut": mha.out_proj.weight.detach().T,
        }

        mask = random_mask(gen, n, n)
        variants = []
        for variant, ours in [("unmasked", None), ("mask", mask), ("causal", tril_mask(n, n))]:
            kwargs: dict[str, Any] = {"need_weights": True, "average_attn_weights": False}
            if ours is not None:
                # NOTE: MHA's boolean attn_mask means True = NOT allowed to attend, the opposite
                # of the library (and of SDPA); hence the negation.
                kwargs["attn_mask"] = ~ours
            if variant == "causal":
                # is_causal is only a hint in MHA: it requires the mask itself as attn_mask.
                kwargs["is_causal"] = True
            batch = x.unsqueeze(0)  # (n, E) → (1, n, E): batch_first with one sequence
            with torch.no_grad():
                output, head_weights = mha(batch, batch, batch, **kwargs)
            output, head_weights = output[0], head_weights[0]  # (n, E), (heads, n, n)

            by_hand, by_hand_weights = mha_by_hand(x, weights, heads, ours)
            check_close(f"MHA vs by hand, n={n} E={e} h={heads} {variant}", output, by_hand)
            check_close(f"MHA weights, n={n} {variant}", head_weights, by_hand_weights)

            options: dict[str, Any] = {"heads": heads}
            if variant == "mask":
                options["mask"] = tolist(mask)
            if variant == "causal":
                options["causal"] = True
            variants.append(
                {
                    "variant": variant,
                    "options": options,
                    "output": tolist(output),
                    "weights": tolist(head_weights),
                }
            )

        cases.append(
            {
                "name": f"n={n} dModel={e} heads={heads}",
                "n": n,
                "dModel": e,
                "heads": heads,
                "x": tolist(x),
                **{key: tolist(w) for key, w in weights.items()},
                "variants": variants,
            }
        )
    return {"cases": cases}


# ---------------------------------------------------------------------------------------------
# 4. score functions


def scores_fixtures() -> dict[str, Any]:
    """Dot, scaled dot, bilinear (q·W·kᵀ) and additive (vᵀ·tanh(q·Wq + k·Wk)) scores."""
    gen = generator("scores")

    dot_cases = []
    for n, m, d_k in [(1, 1, 1), (3, 4, 5), (6, 6, 8)]:
        q, k = randn(gen, n, d_k), randn(gen, m, d_k)
        scores = q @ k.T  # (n, dK)·(dK, m) → (n, m)
        dot_cases.append(
            {
                "name": f"n={n} m={m} dK={d_k}",
                "queries": tolist(q),
                "keys": tolist(k),
                "dot": tolist(scores),
                "scaledDot": tolist(scores / math.sqrt(d_k)),
            }
        )

    bilinear_cases = []
    for n, m, d_q, d_k in [(1, 1, 1, 1), (3, 4, 5, 6), (6, 6, 8, 8)]:
        q, k = randn(gen, n, d_q), randn(gen, m, d_k)
        w = randn(gen, d_q, d_k)
        bilinear_cases.append(
            {
                "name": f"n={n} m={m} dQuery={d_q} dKey={d_k}",
                "queries": tolist(q),
                "keys": tolist(k),
                "w": tolist(w),
                "scores": tolist(q @ w @ k.T),  # (n, dQ)·(dQ, dK)·(dK, m) → (n, m)
            }
        )

    additive_cases = []
    for n, m, d_q, d_k, d_attn in [(1, 1, 1, 1, 1), (3, 4, 5, 6, 7), (6, 6, 8, 8, 10)]:
        q, k = randn(gen, n, d_q), randn(gen, m, d_k)
        w_query = randn(gen, d_q, d_attn, scale=0.5)
        w_key = randn(gen, d_k, d_attn, scale=0.5)
        v = randn(gen, d_attn)
        # (n, 1, dAttn) + (1, m, dAttn) → (n, m, dAttn); then ·v: (n, m, dAttn) → (n, m)
        hidden = torch.tanh((q @ w_query)[:, None, :] + (k @ w_key)[None, :, :])
        additive_cases.append(
            {
                "name": f"n={n} m={m} dQuery={d_q} dKey={d_k} dAttn={d_attn}",
                "queries": tolist(q),
                "keys": tolist(k),
                "wQuery": tolist(w_query),
                "wKey": tolist(w_key),
                "v": tolist(v),
                "scores": tolist(hidden @ v),
            }
        )

    return {"dot": dot_cases, "bilinear": bilinear_cases, "additive": additive_cases}


# ---------------------------------------------------------------------------------------------


def main() -> None:
    # One thread and deterministic kernels: the same summation order on every run, so the
    # written files are byte-identical from run to run.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write("softmax", softmax_fixtures())
    write("attention", attention_fixtures())
    write("multihead", multihead_fixtures())
    write("scores", scores_fixtures())


if __name__ == "__main__":
    main()
