"""Evaluate a trained DigitNet checkpoint on the held-out test split.

Example:
    python -m digitnet.evaluate --checkpoint checkpoints/digitnet.pt
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
from torch.utils.data import DataLoader

from digitnet.data import make_dataloaders
from digitnet.model import DigitNet


def load_model(checkpoint: Path, device: torch.device) -> DigitNet:
    """Rebuild DigitNet and load the weights saved by ``digitnet.train``."""
    model = DigitNet()
    state_dict = torch.load(checkpoint, map_location=device, weights_only=True)
    model.load_state_dict(state_dict)
    return model.to(device).eval()


def predict(model: DigitNet, loader: DataLoader, device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(y_true, y_pred)`` for every image in ``loader``."""
    y_true, y_pred = [], []
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images.to(device))
            y_pred.append(logits.argmax(dim=1).cpu().numpy())
            y_true.append(labels.numpy())
    return np.concatenate(y_true), np.concatenate(y_pred)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Evaluate a DigitNet checkpoint.")
    parser.add_argument("--checkpoint", type=Path, default=Path("checkpoints/digitnet.pt"))
    parser.add_argument(
        "--seed", type=int, default=42,
        help="must match the seed used for training, so the same test split is rebuilt",
    )
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--metrics-out", type=Path, default=None,
                        help="optional JSON file to write the metrics to")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    device = torch.device("cpu")

    loaders = make_dataloaders(batch_size=args.batch_size, seed=args.seed)
    model = load_model(args.checkpoint, device)
    y_true, y_pred = predict(model, loaders["test"], device)

    accuracy = accuracy_score(y_true, y_pred)
    macro_f1 = f1_score(y_true, y_pred, average="macro")
    print(f"test images: {len(y_true)}")
    print(f"accuracy:    {accuracy:.4f}")
    print(f"macro F1:    {macro_f1:.4f}\n")
    print(classification_report(y_true, y_pred, digits=3))
    print("confusion matrix (rows = true digit, columns = predicted digit):")
    print(confusion_matrix(y_true, y_pred))

    if args.metrics_out is not None:
        args.metrics_out.parent.mkdir(parents=True, exist_ok=True)
        metrics = {"accuracy": accuracy, "macro_f1": macro_f1, "n_test": int(len(y_true))}
        args.metrics_out.write_text(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
