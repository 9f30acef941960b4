"""DOM-generative-architecture: GANs, VAEs and diffusion models written by hand (not through a library)."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

_DL_PACKAGES = ("torch", "tensorflow", "keras", "jax", "flax")
# Class names of generative architectures: DCGAN's Generator/Discriminator, a VAE, a DDPM or diffusion UNet.
_CLASS = re.compile(
    r"^(\w*Generator|\w*Discriminator|\w*GAN|\w*VAE|VariationalAuto[Ee]ncoder\w*|\w*Diffusion\w*|DDPM\w*|DDIM\w*)$"
)
_NOT_CLASS = re.compile(r"DataGenerator|ImageGenerator|BatchGenerator|SequenceGenerator|Loader")
# Functions only generative models need: the VAE's reparameterisation, diffusion's forward/backward sampling,
# a WGAN-GP penalty.
_FUNCTION = re.compile(
    r"^_?(reparameteri[sz]e\w*|reparametri[sz]ation\w*|q_sample|p_sample\w*|sample_timesteps|"
    r"\w*noise_schedule|\w*beta_schedule|gradient_penalty|compute_gradient_penalty)$"
)


# Bases of data feeders: a `Generator(keras.utils.Sequence)` yields batches, it generates no data.
_DATA_BASES = re.compile(r"(^|\.)(Sequence|Dataset|IterableDataset|DataLoader|PyDataset)$|\.utils\.")


def _data_base(base: ast.expr, ctx: FileContext) -> bool:
    name = ctx.qualname(base) or (base.id if isinstance(base, ast.Name) else "")
    return bool(_DATA_BASES.search(name))


class GenerativeArchitecture(FileDetector):
    meta = DetectorMeta(
        id="DOM-generative-architecture",
        skill="domains",
        title="Writes generative models by hand (GAN, VAE, diffusion)",
        what=(
            "In a file that imports a deep-learning framework: a class subclassing something, named like a "
            "generative architecture (Generator, Discriminator, *GAN, *VAE, VariationalAutoencoder, *Diffusion*, "
            "DDPM), or a function only generative models need (reparameterize, q_sample/p_sample, a beta/noise "
            "schedule, gradient_penalty). Medium confidence; tag `generative`."
        ),
        why="Building a GAN, VAE or diffusion model from its parts shows generative modelling beyond calling a library.",
        example='''
import torch.nn as nn

class Generator(nn.Module):          # detected
    def forward(self, z):
        return self.net(z)

def reparameterize(mu, logvar):      # detected
    return mu + torch.randn_like(logvar) * (0.5 * logvar).exp()
''',
        not_detected=(
            "Data generators (ImageDataGenerator, any class subclassing a Keras Sequence or a torch Dataset), plain autoencoders, "
            "actor-critic networks, and generative models used through a library (DOM-generative)."
        ),
    )
    node_types = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)

    def __init__(self) -> None:
        self.framework: bool | None = None  # whether the file imports a deep-learning framework (asked once)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        name = node.name  # type: ignore[attr-defined]
        if not (_CLASS.match(name) if isinstance(node, ast.ClassDef) else _FUNCTION.match(name)):
            return
        if self.framework is None:
            self.framework = any(ctx.document.imports.imports(p) for p in _DL_PACKAGES)
        if not self.framework:
            return
        is_class = isinstance(node, ast.ClassDef)
        if not is_class or (node.bases and not _NOT_CLASS.search(name) and not any(_data_base(b, ctx) for b in node.bases)):  # type: ignore[attr-defined]
            self._emit(node, ctx, name)

    def _emit(self, node: ast.AST, ctx: FileContext, name: str) -> None:
        line = node.lineno  # type: ignore[attr-defined]
        values = (("domain", "generative"), ("name", name))
        ctx.emit(self.meta, None, Confidence.MEDIUM, values, line=line, snippet=ctx.document.snippet(line, line))
