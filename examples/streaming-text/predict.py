import time

from cog import BasePredictor, ConcatenateIterator, Input, streaming


class Predictor(BasePredictor):
    @streaming
    def predict(
        self,
        text: str = Input(description="The words to stream", default="one two three"),
        delay: float = Input(description="Seconds between words", default=0.5, ge=0, le=5),
    ) -> ConcatenateIterator[str]:
        words = text.split()
        for i, word in enumerate(words):
            if i:
                time.sleep(delay)
            print(f"word {i + 1} of {len(words)}", flush=True)
            yield word if i == len(words) - 1 else word + " "
