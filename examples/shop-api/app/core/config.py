from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    PROJECT_NAME: str = "Shop API"
    FRONTEND_ORIGINS: list[str] = [
        "https://shop.example.com/",
        "http://localhost:5173",
    ]


settings = Settings()
