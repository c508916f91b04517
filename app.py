"""evreview review UI — Streamlit entry point: set-up and navigation only.

Pages live in app_pages/; the logic they call lives in review/.
"""

import streamlit as st

from app_pages.common import auth_gate, sidebar_reviewer

st.set_page_config(page_title="evreview 申报材料核验", page_icon="📑", layout="wide")

signed_in = auth_gate()

pages = [
    st.Page("app_pages/applications.py", title="申报列表", icon="📋", default=True),
    st.Page("app_pages/review.py", title="审核", icon="🔍"),
    st.Page("app_pages/intake.py", title="导入材料", icon="📥"),
    st.Page("app_pages/exports.py", title="导出", icon="📤"),
    st.Page("app_pages/samples.py", title="材料目录", icon="📂"),
]
nav = st.navigation(pages)
sidebar_reviewer(signed_in)
nav.run()
