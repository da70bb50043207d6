"""Writes test/fixtures/seq2seq.json, seq2seq-bidirectional.json and classifier.json: losses and
gradients of whole models.

The library's models (src/nn.ts) are written here a second time in PyTorch, from the equations
in nn.ts's doc comments, with torch.nn.GRUCell, nn.Embedding, nn.Linear and torch's own
masking, softmax and cross-entropy; torch.autograd then gives the gradient of the loss with
respect to every parameter. test/model-reference.test.ts copies the same parameters into the
library's models and requires the same loss and gradients, to a relative error of 1e-8. So the
whole training stack (embedding, GRU, the encoder's padding in both directions, the bridge to
the decoder's first state, both decoders, the two attention scores, the masked softmax, teacher
forcing, the cross-entropy over real tokens, and every backward rule on the way) is checked
against an independent implementation, not only against central differences of itself.

The models follow:
- the GRU of Cho et al., "Learning Phrase Representations using RNN Encoder-Decoder", 2014,
  eq. 5–8, in PyTorch's gate layout (reset r, update z, candidate n);
- the fixed-size memory decoder of the same paper (the source's final state c fed at every step);
- the bidirectional encoder of Bahdanau et al., "Neural Machine Translation by Jointly Learning
  to Align and Translate", 2015, §3.2: a second GRU read from each example's last real token
  back to its first, each step's state [forward; backward], and a tanh layer from the summary to
  the decoder's first state (ibid., appendix A.2.2, here fed the whole summary);
- attention decoders with the additive score of Bahdanau et al. 2015, or the "general" score and
  the attentional output layer (eq. 5) of Luong et al., "Effective Approaches to Attention-based
  Neural Machine Translation", 2015;
- the word-level attention pooling of Yang et al., "Hierarchical Attention Networks for
  Document Classification", 2016.

Run from the repository root (see test/fixtures/README.md for the environment):

    .venv-torch/bin/python scripts/make_model_fixtures.py

The conventions are those of scripts/make_fixtures.py: one seeded torch.Generator per file
(seed recorded in the file), float64, one CPU thread with deterministic algorithms, parameters
and inputs rounded to 4 decimals (the rounded numbers are the inputs), floats written with repr,
so a re-run writes byte-identical files. Before writing, the script checks its own model: the
GRU cell against nn.ts's equations written out in the library's layout, the padded encoder
against nn.GRU over a packed sequence (bidirectional=True for the bidirectional encoder), the
bridge against its equation, the cross-entropy against its definition, and autograd against
central differences along random directions.

Layouts, PyTorch → library (the file stores the library's):
- nn.Linear keeps A [out, in] and computes x·Aᵀ + b; the library keeps W [dIn, dOut] = Aᵀ and
  b [1, dOut];
- nn.GRUCell keeps weight_ih [3H, dIn] with rows r | z | n; the library keeps wInput = weight_ihᵀ
  [dIn, 3H] with columns r | z | n; likewise wHidden = weight_hhᵀ, and the biases as rows;
- nn.Embedding's table [vocabulary, d] is the library's as is;
- a bidirectional encoder's state is [forward; backward] along the feature axis in both, so in
  a weight that reads encoder states (wKey and decoder.init whole; combine, the bottleneck
  decoder's wInput and output past the rows of the decoder's own input) the first H of the
  dState rows act on the forward state;
- sequences are batch-first here ([B, T, ·]) and time-major in the library ([T·B, ·]); nothing
  of that layout is stored, only tokens, lengths, parameters, the loss and the gradients.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

# The JSON layout (lists of scalars on one line, floats by repr) is make_fixtures.py's.
from make_fixtures import to_json

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "test" / "fixtures"
SCRIPT = "scripts/make_model_fixtures.py"

DTYPE = torch.float64

# One seed per fixture file, so adding a case to one file leaves the others unchanged.
SEEDS = {
    "seq2seq": 20240201,
    "classifier": 20240202,
    "seq2seq-bidirectional": 20240203,
    "seq2seq-positions": 20240204,
}

# Parameters are drawn, then rounded to this many decimals: the rounded numbers are what both
# PyTorch and the library start from.
INPUT_DECIMALS = 4

# How closely the script's own cross-checks must agree before anything is written.
SELF_CHECK_TOL = 1e-12

# Central differences along a random direction: step and the relative agreement required. The
# truncation error is about STEP² times a third derivative of order 1 (≈ 1e-10), the rounding
# error about 1e-16 / STEP (≈ 1e-11), both well under the tolerance.
FD_STEP = 1e-5
FD_TOL = 1e-7
FD_DIRECTIONS = 3

# The translation model: small enough to read in the file, big enough for every code path
# (padding on both sides, a source longer and one shorter than its target).
SEQ2SEQ_OPTIONS = {"sourceVocabulary": 6, "targetVocabulary": 6, "dEmbed": 3, "hidden": 4}
SOURCE_LENGTHS = [4, 2, 5]
TARGET_LENGTHS = [5, 3, 2]
ATTENTIONS = ["additive", "multiplicative", "none"]

# The same model reading the source in both directions (dState = 2·hidden = 8, so the decoder
# starts from tanh(c·W_init + b)). Its own file, seed and batch, which leaves seq2seq.json as it
# was. The batch adds a one-token source, whose backward pass is a single step from the zero
# state, next to one padded by three tokens and one with none.
BIDIRECTIONAL_OPTIONS = {**SEQ2SEQ_OPTIONS, "bidirectional": True}
BIDIRECTIONAL_SOURCE_LENGTHS = [4, 1, 5]
BIDIRECTIONAL_TARGET_LENGTHS = [5, 3, 2]

# Chapter 1's model: bidirectional, with sinusoidal positions added to every input embedding
# of the encoder (source step t) and the decoder (output step t). dEmbed = 3 is odd, so the
# last column is a sine without its cosine.
POSITIONS_OPTIONS = {**BIDIRECTIONAL_OPTIONS, "positions": True}

# The classifier: shortcutTask's 21-word vocabulary (id 0 is the watermark), two classes, a
# batch with padding so that the masked softmax matters.
CLASSIFIER_OPTIONS = {"vocabulary": 21, "dEmbed": 3, "dAttn": 4, "classes": 2}
CLASSIFIER_LENGTHS = [6, 4, 5, 3]


# ---------------------------------------------------------------------------------------------
# Helpers


def fail(message: str) -> NoReturn:
    sys.exit(f"make_model_fixtures: {message}")


def check_close(what: str, a: torch.Tensor, b: torch.Tensor, tol: float = SELF_CHECK_TOL) -> None:
    """Stops the script unless a and b agree entry by entry to `tol` (relative and absolute)."""
    if a.shape != b.shape or not torch.allclose(a, b, rtol=tol, atol=tol):
        diff = (a - b).abs().max().item() if a.shape == b.shape else "shapes differ"
        fail(f"self-check failed: {what} (max |diff| {diff})")


def tolist(x: torch.Tensor) -> Any:
    """A tensor as nested Python lists, refusing NaN and infinities."""
    if x.is_floating_point() and not bool(torch.isfinite(x).all()):
        fail("refusing to write a non-finite value")
    return x.tolist()


def write(name: str, content: dict[str, Any]) -> None:
    """Writes test/fixtures/<name>.json, meta block first, and prints one line with its size."""
    meta = {
        "generator": SCRIPT,
        "torch": torch.__version__,
        "dtype": "float64",
        "seed": SEEDS[name],
        "inputDecimals": INPUT_DECIMALS,
    }
    path = OUT_DIR / f"{name}.json"
    text = to_json({"meta": meta, **content}) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}  {len(text.encode('utf-8')) / 1024:7.1f} KiB")


def draw_parameters(module: nn.Module, gen: torch.Generator) -> None:
    """Overwrites every parameter with seeded draws, rounded, at the library's initial scales.

    Embedding tables N(0, 1); everything else uniform in ±1/√(fan-in) (the GRU's fan-in counted
    as its hidden size, as nn.GRUCell and the library do). The modules' own initialisation uses
    torch's global generator, so it is replaced wholesale.
    """
    with torch.no_grad():
        for sub in module.modules():
            for name, p in sub.named_parameters(recurse=False):
                if isinstance(sub, nn.Embedding):
                    x = torch.randn(p.shape, generator=gen, dtype=DTYPE)
                elif isinstance(sub, (nn.GRUCell, nn.Linear)):
                    fan_in = sub.hidden_size if isinstance(sub, nn.GRUCell) else sub.in_features
                    bound = 1 / math.sqrt(fan_in)
                    x = (2 * torch.rand(p.shape, generator=gen, dtype=DTYPE) - 1) * bound
                else:
                    fail(f"draw_parameters: no rule for {type(sub).__name__}.{name}")
                p.copy_(torch.round(x, decimals=INPUT_DECIMALS))


# How a PyTorch parameter maps to the library's layout (see the module docstring).
def as_weight(t: torch.Tensor) -> torch.Tensor:
    return t.T  # [out, in] → [in, out]


def as_row(t: torch.Tensor) -> torch.Tensor:
    return t.unsqueeze(0)  # [out] → [1, out]


def as_table(t: torch.Tensor) -> torch.Tensor:
    return t  # [vocabulary, d] as is


Mapping = list[tuple[str, torch.Tensor, Callable[[torch.Tensor], torch.Tensor]]]


def gru_mapping(prefix: str, cell: nn.GRUCell) -> Mapping:
    """GRUCell.parameters() of nn.ts: wInput, wHidden, bInput, bHidden."""
    return [
        (f"{prefix}.wInput", cell.weight_ih, as_weight),
        (f"{prefix}.wHidden", cell.weight_hh, as_weight),
        (f"{prefix}.bInput", cell.bias_ih, as_row),
        (f"{prefix}.bHidden", cell.bias_hh, as_row),
    ]


def linear_mapping(prefix: str, linear: nn.Linear) -> Mapping:
    """Linear.parameters() of nn.ts: weight, then bias."""
    return [(f"{prefix}.weight", linear.weight, as_weight), (f"{prefix}.bias", linear.bias, as_row)]


def parameter_records(model: nn.Module, mapping: Mapping) -> list[dict[str, Any]]:
    """Name, shape, value and gradient of every parameter, in the library's layout and order."""
    mapped = [id(p) for _, p, _ in mapping]
    if sorted(mapped) != sorted(id(p) for p in model.parameters()):
        fail(f"the mapping of {type(model).__name__} misses or repeats a parameter")
    records = []
    for name, p, to_library in mapping:
        if p.grad is None:
            fail(f"{name} received no gradient")
        value, grad = to_library(p.detach()), to_library(p.grad)
        records.append(
            {"name": name, "shape": list(value.shape), "value": tolist(value), "grad": tolist(grad)}
        )
    return records


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """softmax over the last dimension with masked entries (mask False) at −∞ first."""
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


def sinusoid(length: int, d: int) -> torch.Tensor:
    """Vaswani et al. 2017, §3.5, written out again here: column 2i of row p is
    sin(p / 10000^(2i/d)) and column 2i + 1 its cos, d odd allowed. [length, d]."""
    p = torch.arange(length, dtype=DTYPE)[:, None]
    i = torch.arange(d)[None, :] // 2  # the pair a column belongs to
    angle = p / torch.pow(torch.tensor(10000.0, dtype=DTYPE), (2 * i).to(DTYPE) / d)
    return torch.where(torch.arange(d)[None, :] % 2 == 0, torch.sin(angle), torch.cos(angle))


def length_mask(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """[B, T] booleans: whether step t is one of example b's real tokens."""
    return torch.arange(T)[None, :] < lengths[:, None]


def check_directional_derivatives(
    what: str, model: nn.Module, batch: dict[str, torch.Tensor]
) -> None:
    """Autograd's gradient against central differences of model(**batch) along random directions.

    Expects the gradients in `.grad` already; leaves parameters and gradients as they were.
    """
    gen = torch.Generator().manual_seed(0)  # its own generator: the fixtures' draws stay put
    params = list(model.parameters())
    # Why keep copies: θ + εd − 2εd + εd is θ only up to rounding, and the file must hold the
    # very values the gradients were taken at.
    saved = [p.detach().clone() for p in params]
    for k in range(FD_DIRECTIONS):
        directions = [torch.randn(p.shape, generator=gen, dtype=DTYPE) for p in params]
        analytic = sum(float((p.grad * d).sum()) for p, d in zip(params, directions))
        with torch.no_grad():
            for p, theta, d in zip(params, saved, directions):
                p.copy_(theta + FD_STEP * d)
            plus = float(model(**batch))
            for p, theta, d in zip(params, saved, directions):
                p.copy_(theta - FD_STEP * d)
            minus = float(model(**batch))
            for p, theta in zip(params, saved):
                p.copy_(theta)
        numeric = (plus - minus) / (2 * FD_STEP)
        if abs(numeric - analytic) > FD_TOL * max(1.0, abs(analytic)):
            fail(f"self-check failed: {what}, direction {k}: autograd {analytic}, FD {numeric}")


# ---------------------------------------------------------------------------------------------
# 1. The encoder–decoder


def gru_by_hand(cell: nn.GRUCell, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """One GRU step written out from nn.ts's doc comment, in the library's layout.

    r = σ(x W_ir + b_ir + h W_hr + b_hr), z = σ(x W_iz + b_iz + h W_hz + b_hz),
    n = tanh(x W_in + b_in + r ⊙ (h W_hn + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h
    """
    H = cell.hidden_size
    w_input, w_hidden = as_weight(cell.weight_ih), as_weight(cell.weight_hh)  # columns r | z | n
    gi = x @ w_input + as_row(cell.bias_ih)  # (B, dIn)·(dIn, 3H) → (B, 3H)
    gh = h @ w_hidden + as_row(cell.bias_hh)  # (B, H)·(H, 3H) → (B, 3H)
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h


class TorchEncoder(nn.Module):
    """Embedding, then a GRU cell at every step; past an example's length its state is kept.

    Bidirectional: a second cell also runs from each example's last real token back to its
    first, s_t = [→h_t; ←h_t] (dState = 2H), and the summary is [→h_(length−1); ←h_0].
    """

    def __init__(
        self,
        vocabulary: int,
        d_embed: int,
        hidden: int,
        bidirectional: bool = False,
        positions: bool = False,
    ):
        super().__init__()
        self.positions = positions
        self.embedding = nn.Embedding(vocabulary, d_embed, dtype=DTYPE)
        self.cell = nn.GRUCell(d_embed, hidden, dtype=DTYPE)
        if bidirectional:
            self.cell_backward = nn.GRUCell(d_embed, hidden, dtype=DTYPE)
        self.bidirectional = bidirectional

    def run(self, cell: nn.GRUCell, tokens: torch.Tensor, lengths: torch.Tensor, order: range):
        """One GRU over the steps in `order`; returns the states [B, S, H] in time order and
        the state after the last step of `order`."""
        B, S = tokens.shape
        h = torch.zeros(B, cell.hidden_size, dtype=DTYPE)
        states: list[torch.Tensor] = [h] * S
        for t in order:
            step = cell(self.embed(tokens)[:, t], h)  # (B, dEmbed), (B, H) → (B, H)
            h = torch.where((t < lengths)[:, None], step, h)  # padded steps keep the state
            states[t] = h
        return torch.stack(states, dim=1), h

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens [B, S] → embeddings [B, S, dEmbed], plus position p_t at step t if asked."""
        x = self.embedding(tokens)
        if self.positions:
            x = x + sinusoid(tokens.shape[1], x.shape[2])[None, :, :]
        return x

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor):
        """tokens [B, S], lengths [B] → states [B, S, dState], final [B, dState], mask [B, S]."""
        S = tokens.shape[1]
        states, final = self.run(self.cell, tokens, lengths, range(S))
        if self.bidirectional:
            # From t = S − 1 down: an example's padded steps come first and keep the zero state,
            # so its backward pass starts at its own last real token and ends at t = 0.
            backward, first = self.run(self.cell_backward, tokens, lengths, range(S - 1, -1, -1))
            states = torch.cat([states, backward], dim=2)  # (B, S, H) ‖ (B, S, H) → (B, S, 2H)
            final = torch.cat([final, first], dim=1)  # (B, H) ‖ (B, H) → (B, 2H)
        return states, final, length_mask(lengths, S)

    def mapping(self) -> Mapping:
        """Encoder.parameters() of nn.ts."""
        embedding = ("encoder.embedding.table", self.embedding.weight, as_table)
        forward = gru_mapping("encoder.gru", self.cell)
        if not self.bidirectional:
            return [embedding, *forward]
        return [embedding, *forward, *gru_mapping("encoder.gruBackward", self.cell_backward)]


class TorchSeq2Seq(nn.Module):
    """Seq2Seq of nn.ts: the encoder, then the fixed-size memory or an attention decoder.

    With a bidirectional encoder the decoders read states of size dState = 2H, and the first
    decoder state is h_0 = tanh(c·W_init + b) from the summary c (nn.ts's Bridge) instead of c.
    """

    def __init__(self, options: dict[str, Any], attention: str):
        super().__init__()
        vocabulary = options["targetVocabulary"] + 1  # the start token gets the last id
        d_embed, H = options["dEmbed"], options["hidden"]
        bidirectional = options.get("bidirectional", False)
        d_state = 2 * H if bidirectional else H
        d_attn = H  # AttentionDecoder's default, which Seq2Seq uses
        self.attention = attention
        self.start_token = options["targetVocabulary"]
        self.positions = options.get("positions", False)
        self.encoder = TorchEncoder(
            options["sourceVocabulary"], d_embed, H, bidirectional, self.positions
        )
        self.embedding = nn.Embedding(vocabulary, d_embed, dtype=DTYPE)
        if attention == "none":
            # h_t = GRU([y_(t−1); c], h_(t−1)), logits_t = [h_t; c]·W_out + b
            self.cell = nn.GRUCell(d_embed + d_state, H, dtype=DTYPE)
            self.output = nn.Linear(H + d_state, vocabulary, dtype=DTYPE)
        else:
            self.cell = nn.GRUCell(d_embed, H, dtype=DTYPE)
            if attention == "additive":
                self.w_query = nn.Linear(H, d_attn, bias=False, dtype=DTYPE)
                self.w_key = nn.Linear(d_state, d_attn, bias=False, dtype=DTYPE)
                self.v = nn.Linear(d_attn, 1, bias=False, dtype=DTYPE)
            else:
                self.w = nn.Linear(H, d_state, bias=False, dtype=DTYPE)
            self.combine = nn.Linear(H + d_state, H, dtype=DTYPE)
            self.output = nn.Linear(H, vocabulary, dtype=DTYPE)
        # Registered last, as the bridge comes last in the decoders' parameters(); absent when
        # dState = H, so the one-way models draw their parameters exactly as before.
        self.init = nn.Linear(d_state, H, dtype=DTYPE) if d_state != H else None

    def initial_state(self, final: torch.Tensor) -> torch.Tensor:
        """h_0: the summary c itself when dState = H, else tanh(c·W_init + b) [B, H]."""
        return final if self.init is None else torch.tanh(self.init(final))

    def scores(self, h: torch.Tensor, states: torch.Tensor) -> torch.Tensor:
        """e_bs for decoder states h [B, H] against encoder states [B, S, dState] → [B, S]."""
        if self.attention == "additive":
            # vᵀ tanh(h W_q + s W_k): (B, 1, dAttn) + (B, S, dAttn) → (B, S, dAttn) → (B, S)
            hidden = torch.tanh(self.w_query(h)[:, None, :] + self.w_key(states))
            return self.v(hidden).squeeze(-1)
        # h W sᵀ ("general"): (B, H)·(H, dState) → (B, dState), then against each
        # (B, S, dState) → (B, S)
        return torch.einsum("bd,bsd->bs", self.w(h), states)

    def forward(self, source, source_lengths, target, target_lengths) -> torch.Tensor:
        """Mean cross-entropy over the real target tokens, with teacher forcing."""
        logits, targets = self.logits(source, source_lengths, target, target_lengths)
        return F.cross_entropy(logits, targets, ignore_index=-1, reduction="mean")

    def logits(self, source, source_lengths, target, target_lengths):
        """Every step's logits [B·T, vocabulary] and the targets [B·T], −1 on padding."""
        B, T = target.shape
        states, final, mask = self.encoder(source, source_lengths)
        h = self.initial_state(final)
        logits = []
        for t in range(T):
            inputs = torch.full((B,), self.start_token) if t == 0 else target[:, t - 1]
            y = self.embedding(inputs)  # (B, dEmbed)
            if self.positions:
                y = y + sinusoid(T, y.shape[1])[t]  # the position of output step t
            if self.attention == "none":
                h = self.cell(torch.cat([y, final], dim=1), h)
                logits.append(self.output(torch.cat([h, final], dim=1)))
                continue
            h = self.cell(y, h)

            # 1. Score every source step, 2. normalise over the real ones, 3. mix the states.
            weights = masked_softmax(self.scores(h, states), mask)  # (B, S)
            context = torch.einsum("bs,bsd->bd", weights, states)  # (B, dState)

            attentional = torch.tanh(self.combine(torch.cat([h, context], dim=1)))
            logits.append(self.output(attentional))

        targets = target.masked_fill(~length_mask(target_lengths, T), -1)  # −1 on padding
        stacked = torch.stack(logits, dim=1)  # (B, T, vocabulary)
        return stacked.reshape(B * T, -1), targets.reshape(B * T)

    def mapping(self) -> Mapping:
        """Seq2Seq.parameters() of nn.ts: the encoder's, then the decoder's."""
        embedding = ("decoder.embedding.table", self.embedding.weight, as_table)
        decoder = [embedding, *gru_mapping("decoder.gru", self.cell)]
        if self.attention == "additive":
            decoder += [
                ("attention.wQuery", self.w_query.weight, as_weight),
                ("attention.wKey", self.w_key.weight, as_weight),
                ("attention.v", self.v.weight, as_weight),  # [1, dAttn] → [dAttn, 1]
            ]
        elif self.attention == "multiplicative":
            decoder += [("attention.w", self.w.weight, as_weight)]
        if self.attention != "none":
            decoder += linear_mapping("decoder.combine", self.combine)
        decoder += linear_mapping("decoder.output", self.output)
        if self.init is not None:
            decoder += linear_mapping("decoder.init", self.init)
        return [*self.encoder.mapping(), *decoder]


def self_check_encoder(model: TorchSeq2Seq, source: torch.Tensor, lengths: torch.Tensor) -> None:
    """The GRU cells against nn.ts's equations, the padded encoder against a packed nn.GRU, and
    the bridge to the decoder's first state against its equation."""
    encoder = model.encoder
    gen = torch.Generator().manual_seed(1)
    cells = [("encoder", encoder.cell), ("decoder", model.cell)]
    if encoder.bidirectional:
        cells.append(("encoder backward", encoder.cell_backward))
    for what, cell in cells:
        x = torch.randn(3, cell.input_size, generator=gen, dtype=DTYPE)
        h = torch.randn(3, cell.hidden_size, generator=gen, dtype=DTYPE)
        with torch.no_grad():
            by_hand = gru_by_hand(cell, x, h)
            check_close(f"{what} nn.GRUCell vs nn.ts's equations", cell(x, h), by_hand)

    # nn.GRU over a packed batch stops each example at its length: its last state is the one
    # after the last real token, which is what the encoder's `final` must be. Bidirectional, its
    # reverse direction starts at each example's last real token, its outputs are
    # [forward; backward], and its h_n[1] is the backward state at the first token: the
    # encoder's states and `final` must be the same.
    gru = nn.GRU(
        encoder.cell.input_size,
        encoder.cell.hidden_size,
        batch_first=True,
        bidirectional=encoder.bidirectional,
        dtype=DTYPE,
    )
    directions = [("", encoder.cell)]
    if encoder.bidirectional:
        directions.append(("_reverse", encoder.cell_backward))
    with torch.no_grad():
        for suffix, cell in directions:
            for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
                getattr(gru, f"{name}_l0{suffix}").copy_(getattr(cell, name))
        packed = pack_padded_sequence(
            encoder.embed(source), lengths, batch_first=True, enforce_sorted=False
        )
        outputs, last = gru(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=source.shape[1])
        states, final, mask = encoder(source, lengths)
    # h_n [directions, B, H] → [B, directions·H], forward first, as the encoder's `final`
    last = torch.cat(list(last), dim=1)
    check_close("encoder final state vs packed nn.GRU", final, last)
    check_close("encoder real-step states vs packed nn.GRU", states[mask], outputs[mask])

    if model.init is not None:
        # h_0 = tanh(c·W_init + b) in the library's layout, with the mapped weights.
        w_init, b_init = as_weight(model.init.weight), as_row(model.init.bias)
        with torch.no_grad():
            by_hand = torch.tanh(final @ w_init + b_init)  # (B, dState)·(dState, H) → (B, H)
            check_close("bridge vs tanh(c·W_init + b)", model.initial_state(final), by_hand)


def self_check_cross_entropy(model: TorchSeq2Seq, batch: dict[str, torch.Tensor]) -> None:
    """F.cross_entropy(ignore_index=−1) against −log p(target) averaged over the real tokens."""
    with torch.no_grad():
        logits, targets = model.logits(**batch)
        loss = model(**batch)
    real = targets >= 0
    log_p = torch.log_softmax(logits[real], dim=-1).gather(1, targets[real][:, None])
    check_close("F.cross_entropy vs its definition", loss, -log_p.mean())


def seq2seq_fixtures(
    name: str, options: dict[str, Any], source_lengths: list[int], target_lengths: list[int]
) -> dict[str, Any]:
    """One batch of sentence pairs; for each decoder, parameters, loss and gradients.

    `name` is the fixture file's, whose seed starts the draws; `options` are Seq2Seq's without
    `attention`.
    """
    gen = torch.Generator().manual_seed(SEEDS[name])

    def tokens(lengths: list[int], vocabulary: int) -> torch.Tensor:
        """Random ids on the real steps, 0 on the padding (as tasks.ts's pad writes it)."""
        ids = torch.randint(vocabulary, (len(lengths), max(lengths)), generator=gen)
        return ids.masked_fill(~length_mask(torch.tensor(lengths), max(lengths)), 0)

    source = tokens(source_lengths, options["sourceVocabulary"])
    target = tokens(target_lengths, options["targetVocabulary"])
    batch = {
        "source": source,
        "source_lengths": torch.tensor(source_lengths),
        "target": target,
        "target_lengths": torch.tensor(target_lengths),
    }

    models = []
    for attention in ATTENTIONS:
        model = TorchSeq2Seq(options, attention)
        draw_parameters(model, gen)
        self_check_encoder(model, source, batch["source_lengths"])
        self_check_cross_entropy(model, batch)

        model.zero_grad()
        loss = model(**batch)
        loss.backward()
        check_directional_derivatives(f"{name} {attention}", model, batch)

        records = parameter_records(model, model.mapping())
        models.append({"attention": attention, "loss": loss.item(), "parameters": records})

    return {
        "options": options,
        "batch": {
            "source": {"tokens": tolist(source), "lengths": source_lengths},
            "target": {"tokens": tolist(target), "lengths": target_lengths},
        },
        "models": models,
    }


# ---------------------------------------------------------------------------------------------
# 2. The attention classifier


class TorchClassifier(nn.Module):
    """AttentionClassifier of nn.ts: attention pooling of token embeddings, then a linear layer.

    u_t = tanh(x_t W + b), e_t = u_t · v, α = softmax(e) over real tokens, c = Σ_t α_t x_t,
    logits = c W_out + b_out; with uniform attention, α_t = 1/length on the real tokens.
    """

    def __init__(self, options: dict[str, int], uniform: bool):
        super().__init__()
        vocabulary, d_embed, d_attn = options["vocabulary"], options["dEmbed"], options["dAttn"]
        self.uniform = uniform
        self.embedding = nn.Embedding(vocabulary, d_embed, dtype=DTYPE)
        if not uniform:
            self.scorer = nn.Linear(d_embed, d_attn, dtype=DTYPE)
            self.v = nn.Linear(d_attn, 1, bias=False, dtype=DTYPE)
        self.output = nn.Linear(d_embed, options["classes"], dtype=DTYPE)

    def forward(self, tokens, lengths, labels) -> torch.Tensor:
        """Mean cross-entropy of the labels."""
        x = self.embedding(tokens)  # (B, T, dEmbed)
        mask = length_mask(lengths, tokens.shape[1])  # (B, T)
        if self.uniform:
            weights = mask.to(DTYPE) / lengths[:, None]
        else:
            scores = self.v(torch.tanh(self.scorer(x))).squeeze(-1)  # (B, T, dAttn) → (B, T)
            weights = masked_softmax(scores, mask)
        pooled = torch.einsum("bt,btd->bd", weights, x)  # (B, dEmbed)
        return F.cross_entropy(self.output(pooled), labels, reduction="mean")

    def mapping(self) -> Mapping:
        """AttentionClassifier.parameters() of nn.ts."""
        scorer: Mapping = []
        if not self.uniform:
            scorer = [
                *linear_mapping("classifier.scorer", self.scorer),
                ("classifier.v", self.v.weight, as_weight),  # [1, dAttn] → [dAttn, 1]
            ]
        embedding = ("classifier.embedding.table", self.embedding.weight, as_table)
        return [embedding, *scorer, *linear_mapping("classifier.output", self.output)]


def classifier_fixtures() -> dict[str, Any]:
    """One padded batch of labelled token sequences; learned and uniform attention."""
    gen = torch.Generator().manual_seed(SEEDS["classifier"])
    lengths = torch.tensor(CLASSIFIER_LENGTHS)
    T = max(CLASSIFIER_LENGTHS)
    tokens = torch.randint(CLASSIFIER_OPTIONS["vocabulary"], (len(lengths), T), generator=gen)
    tokens = tokens.masked_fill(~length_mask(lengths, T), 0)
    labels = torch.randint(CLASSIFIER_OPTIONS["classes"], (len(lengths),), generator=gen)
    batch = {"tokens": tokens, "lengths": lengths, "labels": labels}

    models = []
    for uniform in [False, True]:
        model = TorchClassifier(CLASSIFIER_OPTIONS, uniform)
        draw_parameters(model, gen)
        model.zero_grad()
        loss = model(**batch)
        loss.backward()
        check_directional_derivatives(f"classifier uniform={uniform}", model, batch)
        models.append(
            {
                "uniformAttention": uniform,
                "loss": loss.item(),
                "parameters": parameter_records(model, model.mapping()),
            }
        )

    return {
        "options": CLASSIFIER_OPTIONS,
        "batch": {"tokens": tolist(tokens), "lengths": CLASSIFIER_LENGTHS},
        "labels": tolist(labels),
        "models": models,
    }


# ---------------------------------------------------------------------------------------------


def main() -> None:
    # One thread and deterministic kernels: the same summation order on every run, so the
    # written files are byte-identical from run to run.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write("seq2seq", seq2seq_fixtures("seq2seq", SEQ2SEQ_OPTIONS, SOURCE_LENGTHS, TARGET_LENGTHS))
    write("classifier", classifier_fixtures())
    write(
        "seq2seq-positions",
        seq2seq_fixtures(
            "seq2seq-positions",
            POSITIONS_OPTIONS,
            BIDIRECTIONAL_SOURCE_LENGTHS,
            BIDIRECTIONAL_TARGET_LENGTHS,
        ),
    )
    write(
        "seq2seq-bidirectional",
        seq2seq_fixtures(
            "seq2seq-bidirectional",
            BIDIRECTIONAL_OPTIONS,
            BIDIRECTIONAL_SOURCE_LENGTHS,
            BIDIRECTIONAL_TARGET_LENGTHS,
        ),
    )


if __name__ == "__main__":
    main()
