"""evreview review UI — Streamlit entry point: set-up and navigation only.

Pages live in app_pages/; the logic they call lives in review/.
"""

import streamlit as st

st.set_page_config(page_title="evreview 申报材料核验", page_icon="📑", layout="wide")

pages = [
    st.Page("app_pages/samples.py", title="申报材料一览", icon="📂", default=True),
]
st.navigation(pages).run()
