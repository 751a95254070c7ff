import asyncio

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    async def setup(self) -> None:
        await asyncio.sleep(0.1)
        self.greeting = "hello"
        print("async-predictor: setup done")

    async def predict(
        self,
        name: str = Input(description="Who to greet", default="world"),
        delay: float = Input(description="Seconds to wait before answering", default=0, ge=0, le=30),
    ) -> str:
        print(f"async-predictor: waiting {delay} s for {name}")
        await asyncio.sleep(delay)
        return f"{self.greeting}, {name}"
