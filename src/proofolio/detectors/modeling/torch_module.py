"""MOD-torch-module: a PyTorch model the candidate defined (nn.Module subclass with forward)."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

# base class → the method that makes it a model rather than a stub
TORCH_BASES: dict[str, str] = {
    "torch.nn.Module": "forward",
    "torch.nn.modules.module.Module": "forward",
    "pytorch_lightning.LightningModule": "training_step",
    "pytorch_lightning.core.LightningModule": "training_step",
    "lightning.LightningModule": "training_step",
    "lightning.pytorch.LightningModule": "training_step",
}


# Where layers come from: torch itself and the graph libraries built on it (GCNConv, GATConv ...).
_LAYER_MODULES = ("torch.nn.", "torch_geometric.nn.", "dgl.nn.")


class TorchModule(FileDetector):
    meta = DetectorMeta(
        id="MOD-torch-module",
        skill="model_building",
        title="Defines PyTorch models (nn.Module subclasses with forward)",
        what=(
            "A class that subclasses torch.nn.Module (resolved through the imports, or through another such class "
            "in the same file) and defines forward; or a Lightning LightningModule that defines training_step; or, "
            "outside such a class, an nn.Sequential of two or more layers (a network built without a class). "
            "Values: the base class and how many layers (torch.nn, torch_geometric.nn, dgl.nn) __init__ assigns."
        ),
        why="Writing a network's architecture and forward pass, not just calling a ready-made model, is the core deep-learning skill.",
        example='''
import torch.nn as nn

class Net(nn.Module):          # detected
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, x):
        return self.fc(x)
''',
        not_detected=(
            "nn.Module subclasses without forward (containers, stubs), classes named Module that are not torch's, "
            "subclasses of a model class defined in another file, and an nn.Sequential of one layer or built "
            "from a list (`nn.Sequential(*layers)`)."
        ),
    )
    node_types = (ast.ClassDef, ast.Call)

    def __init__(self) -> None:
        self.local_models: dict[str, str] = {}  # class defined in this file → its torch base
        self.model_spans: list[tuple[int, int]] = []  # lines of the torch module classes reported

    def wants_call(self, target: CallTarget) -> bool:
        """nn.Sequential stacks (a network built without a class)."""
        return target.qualified == "torch.nn.Sequential"

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call):
            self._sequential(node, ctx)
            return
        assert isinstance(node, ast.ClassDef)
        base = self._torch_base(node, ctx)
        if base is None:
            return
        self.local_models[node.name] = base
        methods = {n.name: n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        required = TORCH_BASES[base.rsplit("(", 1)[-1].rstrip(")")]
        if required not in methods and "forward" not in methods:
            return
        values = [("base", base), ("layers", str(self._layer_count(methods.get("__init__"), ctx)))]
        snippet = ctx.document.snippet(node.lineno, node.lineno)
        ctx.emit(self.meta, None, Confidence.HIGH, values, line=node.lineno, end_line=node.end_lineno, snippet=snippet)
        self.model_spans.append((node.lineno, node.end_lineno or node.lineno))

    def _sequential(self, node: ast.Call, ctx: FileContext) -> None:
        """`nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 2))` outside a reported module class:
        a network all the same (a Q-network, a quick MLP). Two layers or more; the class covers its own."""
        if ctx.call_target(node).qualified != "torch.nn.Sequential":
            return
        layers = [a for a in node.args if isinstance(a, ast.Call) and (ctx.qualname(a.func) or "").startswith(_LAYER_MODULES)]
        if len(layers) < 2 or any(start <= node.lineno <= end for start, end in self.model_spans):
            return
        values = (("base", "torch.nn.Sequential"), ("layers", str(len(layers))))
        ctx.emit(self.meta, node, Confidence.HIGH, values)

    def _torch_base(self, node: ast.ClassDef, ctx: FileContext) -> str | None:
        """The torch base class, shown as `Local (torch.nn.Module)` when inherited through a local class."""
        for base in node.bases:
            name = ctx.qualname(base)
            if name in TORCH_BASES:
                return name
            if name is None and isinstance(base, ast.Name) and base.id in self.local_models:
                root = self.local_models[base.id].rsplit("(", 1)[-1].rstrip(")")
                return f"{base.id} ({root})"  # a subclass of the candidate's own torch module
        return None

    @staticmethod
    def _layer_count(init: ast.FunctionDef | ast.AsyncFunctionDef | None, ctx: FileContext) -> int:
        """`self.x = nn.Something(...)` statements directly in __init__ (a cheap, shallow look)."""
        if init is None:
            return 0
        count = 0
        for statement in init.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                called = ctx.qualname(statement.value.func)
                if called is not None and called.startswith(_LAYER_MODULES) and called.rsplit(".", 1)[-1][:1].isupper():
                    count += 1
        return count
