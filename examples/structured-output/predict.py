from cog import BasePredictor, Input

# The output's class is in a file of its own: the schema is read from there, as Cog reads it.
from output import Output


class Predictor(BasePredictor):
    def predict(self, text: str = Input(description="A sentence to measure", default="")) -> Output:
        words = text.split()
        letters = "".join(c.lower() for c in text if c.isalnum())
        return Output(
            text=text,
            words=len(words),
            mean_length=round(sum(map(len, words)) / len(words), 3) if words else 0.0,
            palindrome=bool(letters) and letters == letters[::-1],
            lengths=[len(w) for w in words],
            longest=max(words, key=len) if words else None,
        )
