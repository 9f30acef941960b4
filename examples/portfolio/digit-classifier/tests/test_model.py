import pytest
import torch

from digitnet.model import DigitNet, count_parameters


@pytest.fixture
def model() -> DigitNet:
    torch.manual_seed(0)
    return DigitNet()


@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_forward_output_shape(model: DigitNet, batch_size: int) -> None:
    model.eval()  # BatchNorm cannot train on a batch of one
    logits = model(torch.randn(batch_size, 1, 8, 8))
    assert logits.shape == (batch_size, 10)
    assert logits.dtype == torch.float32


def test_custom_number_of_classes() -> None:
    model = DigitNet(num_classes=3, channels=(8, 8), hidden_units=16)
    assert model(torch.randn(4, 1, 8, 8)).shape == (4, 3)


def test_rejects_wrong_input_shape(model: DigitNet) -> None:
    with pytest.raises(ValueError, match="expected input of shape"):
        model(torch.randn(4, 64))


def test_same_seed_gives_same_weights() -> None:
    torch.manual_seed(123)
    first = DigitNet()
    torch.manual_seed(123)
    second = DigitNet()
    for p1, p2 in zip(first.parameters(), second.parameters()):
        assert torch.equal(p1, p2)


def test_eval_mode_is_deterministic(model: DigitNet) -> None:
    model.eval()
    x = torch.randn(16, 1, 8, 8)
    assert torch.equal(model(x), model(x))


def test_predict_returns_class_indices_and_keeps_mode(model: DigitNet) -> None:
    model.train()
    preds = model.predict(torch.randn(5, 1, 8, 8))
    assert preds.shape == (5,)
    assert preds.min() >= 0 and preds.max() < 10
    assert model.training  # predict() must restore the previous mode


def test_backward_reaches_every_parameter(model: DigitNet) -> None:
    logits = model(torch.randn(8, 1, 8, 8))
    loss = torch.nn.functional.cross_entropy(logits, torch.randint(0, 10, (8,)))
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_parameter_count_is_small(model: DigitNet) -> None:
    # the whole point of the project is a compact model
    assert 10_000 < count_parameters(model) < 100_000
