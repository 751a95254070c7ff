import json
from typing import List, Optional

from cog import BasePredictor, File, Input, Path, Secret


class Predictor(BasePredictor):
    def setup(self) -> None:
        print("typed-inputs: setup done")

    def predict(
        self,
        text: str = Input(description="Words to repeat", min_length=2, max_length=12),
        document: Path = Input(description="A text file, read whole", accept="text/*"),
        count: int = Input(description="How many times to repeat the text", default=2, ge=1, le=5),
        scale: float = Input(description="A factor applied to the count", default=1.5, ge=0.5, le=4.0),
        shout: bool = Input(description="Upper-case the text", default=False),
        code: str = Input(description="Two letters, a dash, three digits", default="ab-123", regex=r"^[a-z]{2}-[0-9]{3}$"),
        colour: str = Input(description="One of three colours", default="red", choices=["red", "green", "blue"]),
        size: int = Input(description="One of three sizes", default=2, choices=[1, 2, 4]),
        attachment: Optional[File] = Input(description="Another file (the deprecated File type)", default=None),
        token: Secret = Input(description="A secret: only its length is reported", default=None),
        numbers: List[int] = Input(description="Whole numbers to add up", default=[1, 2]),
        tags: List[str] = Input(description="Labels, each one of a, b, c", default=["a"], choices=["a", "b", "c"]),
        pages: Optional[List[Path]] = Input(description="More text files", default=None),
        nickname: Optional[str] = Input(description="An optional name", default=None),
        legacy: str = Input(description="Kept for old clients", default="old", deprecated=True),
    ) -> str:
        print(f"typed-inputs: repeating {text!r} {count} times")
        words = text.upper() if shout else text
        extra = None
        if attachment is not None:
            data = attachment.read()
            extra = data.decode() if isinstance(data, bytes) else data
        summary = {
            "text": " ".join([words] * count),
            "scaled": round(count * scale, 3),
            "shout": shout,
            "code": code,
            "colour": colour,
            "size": size,
            "document": document.read_text().strip(),
            "attachment": extra.strip() if extra is not None else None,
            "token_length": len(token.get_secret_value()) if token is not None else None,
            "sum": sum(numbers),
            "tags": tags,
            "pages": [p.read_text().strip() for p in pages or []],
            "nickname": nickname,
            "legacy": legacy,
        }
        return json.dumps(summary, sort_keys=True)
