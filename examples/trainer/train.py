import json
import tempfile

from cog import Input, Path


def train(
    numbers: Path = Input(description="a text file of numbers, separated by spaces or new lines"),
    learning_rate: float = Input(description="the step size of gradient descent", default=0.25, ge=0.01, le=0.5),
    steps: int = Input(description="how many steps of gradient descent", default=10, ge=1, le=1000),
) -> Path:
    """Fits one parameter, an offset, to the numbers: gradient descent on the mean squared error."""
    values = [float(v) for v in numbers.read_text().split()]
    if not values:
        raise ValueError("the numbers file holds no numbers")
    offset = 0.0
    for step in range(steps):
        gradient = sum(2 * (offset - v) for v in values) / len(values)
        offset -= learning_rate * gradient
        print(f"step {step + 1}: offset {offset}")
    out = Path(tempfile.mkdtemp()) / "weights.json"
    weights = {"count": len(values), "learning_rate": learning_rate, "offset": offset, "steps": steps}
    out.write_text(json.dumps(weights, sort_keys=True) + "\n")
    return out
