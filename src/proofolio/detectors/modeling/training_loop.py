"""MOD-training-loop: a loop that back-propagates and steps an optimiser."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

_DL_PACKAGES = ("torch", "tensorflow", "keras")
_LOOP_METHODS = frozenset({"backward", "gradient", "step", "apply_gradients", "zero_grad"})  # what visit() looks at
_OPTIMIZER_PREFIXES = ("torch.optim.", "tensorflow.keras.optimizers.", "keras.optimizers.", "transformers.AdamW")
# Mixed precision and Accelerate wrap the pass: scaler.scale(loss).backward(), scaler.step(optimizer),
# accelerator.backward(loss).
_GRAD_SCALERS = ("torch.cuda.amp.GradScaler", "torch.amp.GradScaler", "torch.cpu.amp.GradScaler")
_BACKWARD_WRAPPERS = (*_GRAD_SCALERS, "accelerate.Accelerator")


class TrainingLoop(FileDetector):
    meta = DetectorMeta(
        id="MOD-training-loop",
        skill="model_building",
        title="Writes training loops (backward pass + optimiser step)",
        what=(
            "A for/while loop whose body computes gradients (`loss.backward()`, or `tape.gradient(...)` in "
            "TensorFlow) and applies them (`optimizer.step()` / `optimizer.apply_gradients(...)`). High confidence "
            "when the optimiser resolves to torch.optim / Keras optimizers, medium when it is an untyped variable "
            "in a file that imports torch or TensorFlow, or when the loop also calls `zero_grad()` (a module of a "
            "PyTorch project that gets its optimiser as an argument). A loop that calls a step function of the same "
            "file which does both (`@tf.function def train_step(...)`) counts too. One evidence per outermost such loop."
        ),
        why="A hand-written training loop shows the candidate understands how a network is actually optimised.",
        example='''
import torch

optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(10):            # detected
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
''',
        not_detected=(
            "Loops that only call a framework's fit()/Trainer.train(), a backward pass and a step in different "
            "functions, and look-alike backward/step methods (without zero_grad) in files that import no "
            "deep-learning framework."
        ),
    )
    node_types = (ast.For, ast.AsyncFor, ast.While, ast.Call, ast.FunctionDef, ast.AsyncFunctionDef)

    def __init__(self) -> None:
        self.loops: list[ast.stmt] = []  # For, AsyncFor, While
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.gradients: list[int] = []  # lines computing gradients
        self.steps: list[tuple[int, Confidence, str]] = []  # lines applying them
        self.zero_grads: list[int] = []  # lines resetting gradients (PyTorch's optimizer.zero_grad())

    def wants_call(self, target: CallTarget) -> bool:
        """Only method calls named like a backward pass or an optimiser step (target.method is func.attr)."""
        return target.method in _LOOP_METHODS

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.append(node)
            elif isinstance(node, ast.stmt):
                self.loops.append(node)
            return
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        method = func.attr
        if method == "zero_grad":
            self.zero_grads.append(node.lineno)
        elif method == "backward" or method == "gradient":
            resolved = ctx.qualname(func)  # a method on a value, or torch.autograd.backward; not numpy.gradient
            if resolved is None or resolved.startswith(("torch.autograd.", *_BACKWARD_WRAPPERS)):
                self.gradients.append(node.lineno)
        elif method in ("step", "apply_gradients"):
            target = ctx.call_target(node)
            qualified = target.qualified
            if qualified is not None and qualified.startswith(_OPTIMIZER_PREFIXES) and ".lr_scheduler." not in qualified:
                self.steps.append((node.lineno, Confidence.HIGH, qualified))
            elif qualified is not None and qualified.startswith(_GRAD_SCALERS) and node.args:
                self.steps.append((node.lineno, Confidence.HIGH, qualified))  # scaler.step(optimizer)
            elif qualified is None:
                self.steps.append((node.lineno, Confidence.MEDIUM, method))

    def finish(self, ctx: FileContext) -> None:
        if not self.gradients or not self.steps:
            return
        framework = any(ctx.document.imports.imports(p) for p in _DL_PACKAGES)
        step_functions = self._step_functions(framework)
        chosen_end = 0
        for loop in sorted(self.loops, key=lambda n: (n.lineno, -(n.end_lineno or n.lineno))):
            start, end = loop.lineno, loop.end_lineno or loop.lineno
            if start <= chosen_end:
                continue  # inside a loop already reported
            best = self._best_step(start, end, framework)
            if best is None:
                best = next((step for name, step in step_functions.items() if _calls(loop, name)), None)
            if best is None:
                continue
            snippet = ctx.document.snippet(start, start)
            values = (("optimizer_step", best[2]),)
            ctx.emit(self.meta, None, best[1], values, line=start, end_line=end, snippet=snippet)
            chosen_end = end

    def _best_step(self, start: int, end: int, framework: bool) -> tuple[int, Confidence, str] | None:
        """The strongest optimiser step between lines start..end, if gradients are computed there too."""
        if not any(start <= line <= end for line in self.gradients):
            return None
        trusted = framework or any(start <= line <= end for line in self.zero_grads)
        steps = [s for s in self.steps if start <= s[0] <= end and (s[1] is Confidence.HIGH or trusted)]
        return min(steps, key=lambda s: (s[1] is not Confidence.HIGH, s[0])) if steps else None

    def _step_functions(self, framework: bool) -> dict[str, tuple[int, Confidence, str]]:
        """Functions that compute gradients and step outside any loop of theirs: `train_step` of a TF2 loop."""
        found: dict[str, tuple[int, Confidence, str]] = {}
        for function in self.functions:
            start, end = function.lineno, function.end_lineno or function.lineno
            inner = (loop for loop in self.loops if start <= loop.lineno <= end)
            if any(self._best_step(loop.lineno, loop.end_lineno or loop.lineno, framework) for loop in inner):
                continue  # its own loop is reported as such
            best = self._best_step(start, end, framework)
            if best is not None:
                found.setdefault(function.name, best)
        return found


def _calls(loop: ast.AST, name: str) -> bool:
    """Whether the loop calls `name(...)` or `<obj>.name(...)` (a step function or method)."""
    for node in ast.walk(loop):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id == name) or (isinstance(func, ast.Attribute) and func.attr == name):
                return True
    return False
