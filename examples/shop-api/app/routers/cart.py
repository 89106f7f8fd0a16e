from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/token")
router = APIRouter(prefix="/cart")


@router.get("/")
def show_cart(token: str = Depends(oauth2_scheme)) -> list[str]:
    return []


@router.put("/{item_id}")
def add_to_cart(item_id: int, token: str = Depends(oauth2_scheme)) -> dict[str, int]:
    return {"id": item_id}


@router.delete("/{item_id}")
def remove_from_cart(item_id: int, token: str = Depends(oauth2_scheme)) -> None:
    return None
