"""Sign in, or create an account. The only page reachable signed out."""

from __future__ import annotations

import streamlit as st

from core.errors import AuthError, ConfirmationPending, InputRejected
from pages.ui import session as common

studio = common.studio()
st.title("Aiuteur")
st.caption("From a written story to a short film, one explicit stage at a time.")
if studio.settings.uses_supabase_auth:
    st.caption("Accounts are managed by Supabase Auth.")

sign_in_tab, sign_up_tab = st.tabs(["Sign in", "Create account"])

with sign_in_tab, st.form("sign_in"):
    email = st.text_input("Email", key="sign_in_email")
    password = st.text_input("Password", type="password", key="sign_in_password")
    if st.form_submit_button("Sign in", type="primary"):
        try:
            common.sign_in_as(common.auth().sign_in(email, password, client=common.client_id()))
        except AuthError as exc:
            st.error(str(exc))
        else:
            st.rerun()

with sign_up_tab, st.form("sign_up"):
    new_email = st.text_input("Email", key="sign_up_email")
    new_password = st.text_input("Password (at least 8 characters)", type="password", key="sign_up_password")
    if st.form_submit_button("Create account", type="primary"):
        try:
            common.sign_in_as(common.auth().sign_up(new_email, new_password))
        except InputRejected as exc:
            for field, message in exc.field_errors.items():
                st.error(f"{field.capitalize()}: {message}")
        except ConfirmationPending as exc:
            st.info(str(exc), icon=":material/mark_email_unread:")
        except AuthError as exc:
            st.error(str(exc))
        else:
            st.rerun()
