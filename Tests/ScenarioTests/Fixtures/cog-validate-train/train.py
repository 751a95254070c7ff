from cog import Input


def train(steps: int = Input(description="Training steps", default=1)) -> str:
    return f"trained for {steps} steps"
