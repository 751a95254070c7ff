def train(steps: int = 1) -> str:
    return f"trained for {steps} steps"
