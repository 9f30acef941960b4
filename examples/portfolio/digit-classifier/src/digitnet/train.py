"""Train DigitNet on the 8x8 digits dataset.

Example:
    python -m digitnet.train --epochs 30 --lr 1e-3 --output checkpoints/digitnet.pt
"""

from __future__ import annotations

import argparse
import logging
import random
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score
from torch import nn
from torch.utils.data import DataLoader

from digitnet.data import make_dataloaders
from digitnet.model import DigitNet, count_parameters

logger = logging.getLogger("digitnet.train")


def set_seed(seed: int) -> None:
    """Seed every random number generator we use, for reproducible runs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_one_epoch(
    model: nn.Module,
    loader: DataLoader,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
) -> float:
    """Run one pass over the training data and return the mean loss."""
    model.train()
    total_loss, n_seen = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        n_seen += len(labels)
    return total_loss / n_seen


def evaluate(
    model: nn.Module, loader: DataLoader, loss_fn: nn.Module, device: torch.device
) -> dict[str, float]:
    """Compute loss, accuracy and macro F1 on ``loader`` without updating the model."""
    model.eval()
    total_loss, all_preds, all_labels = 0.0, [], []
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            total_loss += loss_fn(logits, labels).item() * len(labels)
            all_preds.append(logits.argmax(dim=1).cpu())
            all_labels.append(labels.cpu())
    y_pred = torch.cat(all_preds).numpy()
    y_true = torch.cat(all_labels).numpy()
    return {
        "loss": total_loss / len(y_true),
        "accuracy": accuracy_score(y_true, y_pred),
        "f1": f1_score(y_true, y_pred, average="macro"),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train DigitNet on 8x8 handwritten digits.")
    parser.add_argument("--epochs", type=int, default=30, help="maximum number of epochs")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument(
        "--patience", type=int, default=5,
        help="stop after this many epochs without improvement of the validation F1",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=Path("checkpoints/digitnet.pt"))
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    set_seed(args.seed)
    device = torch.device(args.device)

    loaders = make_dataloaders(batch_size=args.batch_size, seed=args.seed)
    model = DigitNet().to(device)
    logger.info("DigitNet with %d trainable parameters, training on %s",
                count_parameters(model), device)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    best_f1, epochs_without_improvement = -1.0, 0
    for epoch in range(1, args.epochs + 1):
        train_loss = train_one_epoch(model, loaders["train"], loss_fn, optimizer, device)
        val = evaluate(model, loaders["val"], loss_fn, device)
        logger.info(
            "epoch %02d | train loss %.4f | val loss %.4f | val acc %.4f | val F1 %.4f",
            epoch, train_loss, val["loss"], val["accuracy"], val["f1"],
        )

        # early stopping on the validation F1; keep only the best weights
        if val["f1"] > best_f1:
            best_f1, epochs_without_improvement = val["f1"], 0
            torch.save(model.state_dict(), args.output)
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= args.patience:
                logger.info("no improvement for %d epochs, stopping early", args.patience)
                break

    logger.info("best val F1 %.4f, weights saved to %s", best_f1, args.output)


if __name__ == "__main__":
    main()
