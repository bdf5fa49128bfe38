"""My asset library: the characters, locations and props kept for reuse across films, with their images."""

from __future__ import annotations

import streamlit as st

from core.errors import InputRejected, NotFound
from core.story.assets import delete_library_asset, library, rename_library_asset
from core.story.projects import list_projects
from pages.ui import session as common
from pages.ui.media_view import media_or_reason
from pages.ui.prose import escaped

TYPES = ("character", "location", "prop")
CARDS_PER_ROW = 4

studio = common.studio()
user = common.require_user()

st.title("My asset library")
common.show_flash()
items = library(studio, user.id)
if not items:
    st.info("Your library is empty. On any film's Stage 5 · Global assets, “Add to my library” keeps an asset "
            "(and its reference image) here, ready to pull into your other films.", icon=":material/local_library:")
    st.stop()

films = {p["id"]: p["title"] for p in list_projects(studio.db, user.id)}
st.caption(f"{len(items)} asset(s). Pull one into a film from its Stage 5 · Global assets.")


def card(item: dict) -> None:
    st.markdown(f"**{escaped(item['name'])}**  \n:gray[{item['asset_type']}]")
    key = item["image_key_url"]
    with media_or_reason():
        if key and studio.media.exists(key, owner=user.id):
            st.image(studio.media.for_browser(key, owner=user.id), caption=item["name"], width="stretch")
        else:
            st.caption("No reference image")
    if item["description"]:
        st.caption(item["description"])
    source = films.get(item["promoted_from_project_id"])
    st.caption(f"From “{escaped(source)}”" if source else "From a film since deleted")
    with st.popover("Rename or delete", icon=":material/edit:"):
        manage(item)


def manage(item: dict) -> None:
    """Rename the asset (its image stays), or delete it from the library after a confirmation."""
    key = str(item["id"])
    name = st.text_input("Name", value=item["name"], key=f"name_{key}")
    if st.button("Rename", key=f"rename_{key}"):
        try:
            renamed = rename_library_asset(studio, user.id, item["id"], name)
        except (InputRejected, NotFound) as exc:
            st.error(getattr(exc, "field_errors", {}).get("name") or str(exc))
        else:
            st.session_state["flash"] = f"Renamed to {escaped(renamed['name'])}."
            st.rerun()
    sure = st.checkbox(f"Yes, remove {escaped(item['name'])} from my library (films that use it keep their copy)",
                       key=f"sure_{key}")
    if st.button("Delete from library", key=f"delete_{key}", disabled=not sure, icon=":material/delete:"):
        st.session_state["flash"] = (f"Removed {escaped(delete_library_asset(studio, user.id, item['id']))} "
                                    "from your library.")
        st.rerun()


for kind in TYPES:
    group = [i for i in items if i["asset_type"] == kind]
    if not group:
        continue
    st.subheader(f"{kind.capitalize()}s ({len(group)})")
    for start in range(0, len(group), CARDS_PER_ROW):
        for column, item in zip(st.columns(CARDS_PER_ROW), group[start:start + CARDS_PER_ROW]):
            with column, st.container(border=True):
                card(item)
