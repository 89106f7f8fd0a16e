import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import settings
from app.routers import cart

app = FastAPI(title=settings.PROJECT_NAME)

# The storefront.
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.FRONTEND_ORIGINS,
    allow_credentials=True,
)

# Partner widgets; the origins come from the deployment, "*" when unset.
app.add_middleware(
    CORSMiddleware,
    allow_origins=os.getenv("WIDGET_ORIGINS", "*").split(","),
    allow_credentials=True,
    allow_methods=["GET"],
    max_age=86400,
)

app.include_router(cart.router)
