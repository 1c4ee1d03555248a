"""Interface text of reports and charts in Vietnamese and English: headings, axis words, units."""

from __future__ import annotations

import re
from typing import Any

from lai_chau.base.errors import unknown
from lai_chau.sources.numerals import check_lang

# Words around the data, keyed by purpose. Figures, quotes and labels come from data/, never here.
TEXT: dict[str, dict[str, str]] = {
    "source": {"vi": "Nguồn", "en": "Source"},
    "sources": {"vi": "Nguồn", "en": "Sources"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "compared_with": {"vi": "So với", "en": "Compared with"},
    "series": {"vi": "Số liệu", "en": "Series"},
    "comparison": {"vi": "Loại so sánh", "en": "Comparison"},
    "same": {"vi": "Cùng chỉ tiêu", "en": "Like for like"},
    "proxy": {"vi": "Chỉ tiêu gần đúng", "en": "Proxy (a related indicator)"},
    "rank": {"vi": "Thứ hạng (1 = cao nhất)", "en": "Rank (1 = highest)"},
    "rank_from": {"vi": "Hạng trước", "en": "Previous rank"},
    "rank_to": {"vi": "Hạng", "en": "Rank"},
    "rank_within": {"vi": "Trong nhóm", "en": "Within"},
    "rank_at_most": {"vi": "tốp {n}", "en": "top {n}"},
    "of_total": {"vi": "trên {n}", "en": "of {n}"},
    "chart_bars": {"vi": "Biểu đồ cột", "en": "Bar chart"},
    "chart_dots": {"vi": "Biểu đồ điểm so sánh", "en": "Dot chart comparing"},
    "chart_ranks": {"vi": "Biểu đồ thứ hạng", "en": "Rank chart"},
    "not_rendered": {"vi": "chưa dựng", "en": "not rendered yet"},
    "id": {"vi": "Mã", "en": "Id"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "as_of": {"vi": "tính đến", "en": "as of"},
    "quote": {"vi": "Nguyên văn", "en": "Quote (Vietnamese original)"},
    "translation": {"vi": "Bản dịch", "en": "English translation of the sentence"},
    "other": {"vi": "Số liệu khác", "en": "Other figures"},
    "headline": {"vi": "Bảng số liệu chính", "en": "Table of headline figures"},
    "overview_intro": {
        "vi": ("Mỗi số liệu dưới đây lấy từ bài viết về hội nghị trực tuyến đánh giá tình hình "
               "kinh tế - xã hội 6 tháng đầu năm 2022 của UBND tỉnh Lai Châu, kèm nguyên văn câu "
               "trích dẫn. Các báo cáo tiếp theo đối chiếu số liệu với cả nước, với các kỳ "
               "trước và kế hoạch, với các tỉnh trong vùng, và kiểm tra các nhận định của bài."),
        "en": ("Every figure below comes from the article on Lai Châu's online conference "
               "reviewing the socio-economic situation in the first half of 2022, with its "
               "verbatim quote (in Vietnamese) and an English translation of the sentence. "
               "The next reports set them against the national figures, earlier periods and the "
               "plan, and the provinces of the region, and check the article's claims."),
    },
    # --- words the comparison and claims reports share (lai_chau/present/pages.py) ---
    "country": {"vi": "Cả nước", "en": "Vietnam"},
    "above": {"vi": "cao hơn", "en": "higher"},
    "below": {"vi": "thấp hơn", "en": "lower"},
    "equal": {"vi": "bằng", "en": "equal"},
    "undetermined": {"vi": "chưa xác định được", "en": "cannot tell"},
    "not_comparable": {"vi": "Không so sánh được", "en": "Not comparable"},
    "gap": {"vi": "Chênh lệch", "en": "Gap"},
    "direction": {"vi": "Lai Châu cao hay thấp hơn", "en": "Lai Châu is"},
    "baseline_value": {"vi": "Giá trị so sánh", "en": "Baseline value"},
    "baseline_id": {"vi": "Mã số so sánh", "en": "Baseline id"},
    "why_same": {"vi": "Vì sao so sánh được", "en": "Why it compares"},
    "why_proxy": {"vi": "Vì sao chỉ là gần đúng", "en": "Why it is only a proxy"},
    "why_context": {"vi": "Vì sao chỉ để tham khảo", "en": "Why it is context only"},
    "why_not": {"vi": "Vì sao không so sánh được", "en": "Why it does not compare"},
    "sources_heading": {"vi": "Nguồn số liệu", "en": "Sources"},
    "sources_below": {"vi": "xem danh sách nguồn cuối trang",
                      "en": "see the list of sources below"},
    "published": {"vi": "đăng", "en": "published"},
    "accessed": {"vi": "truy cập", "en": "accessed"},
    "province": {"vi": "Tỉnh", "en": "Province"},
    "stage_estimate": {"vi": "ước tính", "en": "estimate"},
    "stage_target": {"vi": "mục tiêu", "en": "target"},
    "stage_projection": {"vi": "dự kiến", "en": "projection"},
    "stage_reported": {"vi": "báo cáo", "en": "reported"},
    "stage_derived": {"vi": "suy ra", "en": "derived"},
    "kind_part": {"vi": "Một phần năm (6 tháng, quý, tháng)",
                  "en": "Part of a year (half, quarter, months)"},
    "kind_year": {"vi": "Cả năm", "en": "Whole year"},
    "kind_target": {"vi": "Mục tiêu cả năm", "en": "Full-year target"},
    "kind_projection": {"vi": "Dự kiến", "en": "Projection"},
    "kind": {"vi": "Loại số liệu", "en": "Kind of figure"},
    "the_article": {"vi": "bài viết", "en": "the article"},
    "headline_item": {"vi": "Số liệu", "en": "Figure"},
    # --- 2.0 Lai Châu against Vietnam ---
    "vs-national_intro": {
        "vi": ("Số liệu 6 tháng đầu năm 2022 của Lai Châu đặt cạnh số liệu cả nước cùng kỳ (nguồn "
               "ghi cuối trang). Chênh lệch giữa hai tốc "
               "độ tăng tính bằng điểm phần trăm (điểm %). Chỉ các cặp cùng thước đo được so sánh "
               "trực tiếp; chỉ tiêu gần đúng được tách riêng, kèm lý do."),
        "en": ("Lai Châu's figures for the first half of 2022 next to Vietnam's for the same "
               "period (sources listed at the end). The gap between two growth rates is in "
               "percentage points (pp). Only pairs of the same measure are compared directly; "
               "proxies are kept apart, each with the reason."),
    },
    "in_short": {"vi": "Tóm tắt", "en": "In short"},
    "nat_summary": {
        "vi": ("{same} chỉ tiêu so được cùng thước đo với cả nước: Lai Châu cao hơn ở {above}, "
               "thấp hơn ở {below}. {proxy} chỉ tiêu khác chỉ so được gần đúng và {nc} "
               "chỉ tiêu không có số tương ứng của cả nước."),
        "en": ("{same} indicators compare like for like with Vietnam: Lai Châu is higher on "
               "{above} and lower on {below}. {proxy} more compare only through a proxy and {nc} "
               "have no national counterpart."),
    },
    "below_heading": {"vi": "Lai Châu thấp hơn cả nước ở đâu",
                      "en": "Where Lai Châu is below the national figure"},
    "below_item": {"vi": "{label}: {value}, cả nước {base} (chênh lệch {gap})",
                   "en": "{label}: {value} against {base} nationally (gap {gap})"},
    "proxy_mark": {"vi": "chỉ tiêu gần đúng, không cùng thước đo",
                   "en": "a proxy, not like for like"},
    "none_below": {"vi": "Không có chỉ tiêu nào thấp hơn cả nước.",
                   "en": "No indicator is below the national figure."},
    "same_heading": {"vi": "Cùng thước đo: Lai Châu và cả nước",
                     "en": "Like for like: Lai Châu and Vietnam"},
    "same_intro": {
        "vi": ("Mỗi dòng là một cặp cùng chỉ tiêu, cùng kỳ, cùng cách tính. Chênh lệch = Lai "
               "Châu trừ cả nước."),
        "en": ("Each row pairs the same indicator, period and method. Gap = Lai Châu minus "
               "Vietnam."),
    },
    "same_chart": {"vi": "Lai Châu và cả nước, 6 tháng đầu năm 2022: cùng thước đo",
                   "en": "Lai Châu and Vietnam, first half of 2022: like for like"},
    "context_heading": {"vi": "Kỳ khác, chỉ để tham khảo", "en": "Other periods, context only"},
    "revisions_heading": {"vi": "Số liệu cả nước được điều chỉnh về sau",
                          "en": "National figures revised later"},
    "revision_item": {
        "vi": ("{label}: công bố lần đầu {first} ({first_date}), sau điều chỉnh thành {latest}; "
               "so với số điều chỉnh gần nhất, chênh lệch là {gap}. Bảng trên so số ước lần đầu "
               "của tỉnh với số công bố lần đầu của cả nước."),
        "en": ("{label}: first published as {first} ({first_date}), later restated as {latest}; "
               "against the latest restatement the gap is {gap}. The table above sets the "
               "province's first estimate against the national first release."),
    },
    "context_intro": {
        "vi": ("Cả nước chỉ có số của một kỳ hoặc thời điểm khác cho các chỉ tiêu dưới đây; số đó "
               "được đặt cạnh, ghi rõ cả hai kỳ, nhưng không tính chênh lệch: phần lớn khác biệt "
               "có thể chỉ do kỳ khác nhau."),
        "en": ("For these indicators Vietnam's figure covers another period or date; it is shown "
               "beside the province's, with both periods, but no gap is computed: much of a "
               "difference could be the difference of periods alone."),
    },
    "context": {"vi": "Kỳ khác (tham khảo)", "en": "Other period (context)"},
    "period_of": {"vi": "{value} ({period})", "en": "{value} ({period})"},
    "proxy_heading": {"vi": "Chỉ tiêu gần đúng: không phải so sánh cùng thước đo",
                      "en": "Proxies: not like-for-like comparisons"},
    "proxy_intro": {
        "vi": ("Cả nước không có số cùng thước đo cho các chỉ tiêu dưới đây; số gần nhất được đặt "
               "cạnh để tham khảo, kèm lý do. Không đọc chênh lệch như một so sánh trực tiếp."),
        "en": ("Vietnam has no figure of the same measure for these indicators; the nearest one is "
               "shown for reference, with the reason. Do not read the gap as a direct "
               "comparison."),
    },
    "proxy_chart": {"vi": "Lai Châu và số gần nhất của cả nước (gần đúng, chỉ để tham khảo)",
                    "en": "Lai Châu and the nearest national figure (proxies, for reference)"},
    "unit_chart": {"vi": "{title}, tính bằng {unit}", "en": "{title}, in {unit}"},
    "nc_heading": {"vi": "Không so sánh được với cả nước",
                   "en": "Not comparable with the national figures"},
    "nc_intro": {
        "vi": "Các số liệu sau của bài viết không có số tương ứng của cả nước trong dữ liệu.",
        "en": "These figures of the article have no national counterpart in the data.",
    },
    # --- 3.0 against earlier periods and the plan ---
    "vs-prior_intro": {
        "vi": ("Số liệu 6 tháng đầu năm 2022 so với cùng kỳ năm trước (các giá trị bài viết ngầm "
               "cho biết), với kế hoạch năm 2022, và đặt trong chuỗi các kỳ trước và sau có trong "
               "dữ liệu (ước tính cả năm, mục tiêu, các năm sau). Mỗi số kèm nguồn; các "
               "kỳ có độ dài khác nhau nên chỉ để tham khảo."),
        "en": ("The first half of 2022 against a year earlier (the values the article implies), "
               "against the 2022 plan, and among the periods before and after that the data hold "
               "(full-year estimates, targets, later years). Each figure has "
               "its source; the periods differ in length, so they are context only."),
    },
    "implied_heading": {"vi": "Một năm trước: số suy ra từ chính bài viết",
                        "en": "A year earlier: values the article implies"},
    "implied_intro": {
        "vi": ("Bài viết nêu mức hiện tại và mức tăng so với cùng kỳ; hiệu của hai số là giá trị "
               "cùng kỳ năm trước mà bài viết ngầm cho biết. Các số này được tính từ dữ liệu."),
        "en": ("The article gives a level and its change on a year earlier; their difference is "
               "the value a year earlier it implies. These are computed from the data."),
    },
    "now": {"vi": "Kỳ này", "en": "This period"},
    "change": {"vi": "Mức tăng", "en": "Change"},
    "implied": {"vi": "Cùng kỳ năm trước (suy ra)", "en": "A year earlier (implied)"},
    "how": {"vi": "Cách tính", "en": "How"},
    "plan_heading": {"vi": "So với kế hoạch năm 2022", "en": "Against the 2022 plan"},
    "plan_text": {
        "vi": ("{h1_label} {h1_period} là {h1}, {h1_vs_plan} {plan_label} ({plan}){by_gap}. Cần "
               "đọc thận trọng: đây là tốc độ của một phần năm so với mục tiêu cho cả năm; vị trí "
               "ở giữa năm không cho biết cả năm sẽ ra sao. {fy_label}: {fy}, {fy_vs_plan} kế "
               "hoạch: nếu cả hai số đều đúng thì {second_half}. {avg_label}: {avg} (số suy ra, "
               "phụ thuộc vào các số ước dùng để tính)."),
        "en": ("{h1_label} in the {h1_period} was {h1}, {h1_vs_plan} the {plan_label} ({plan})"
               "{by_gap}. Read this carefully: it is growth over part of the year against a "
               "target for the whole year, and where it stands at mid-year does not say where the "
               "year will end. {fy_label}: {fy}, {fy_vs_plan} the plan: if both figures hold, "
               "{second_half}. {avg_label}: {avg} (derived; it depends on the estimates it is "
               "computed from)."),
    },
    "plan_by_gap": {"vi": " {gap}", "en": " by {gap}"},
    "second_half_above": {"vi": "6 tháng cuối năm tăng nhanh hơn 6 tháng đầu năm",
                          "en": "the second half grew faster than the first"},
    "second_half_below": {"vi": "6 tháng cuối năm tăng chậm hơn 6 tháng đầu năm",
                          "en": "the second half grew more slowly than the first"},
    "second_half_equal": {"vi": "6 tháng cuối năm tăng xấp xỉ 6 tháng đầu năm",
                          "en": "the second half grew about as fast as the first"},
    "second_half_undetermined": {"vi": "chưa so được tốc độ của hai nửa năm",
                                 "en": "the two halves cannot be ordered"},
    "vs_plan_above": {"vi": "cao hơn", "en": "above"},
    "vs_plan_below": {"vi": "thấp hơn", "en": "below"},
    "vs_plan_equal": {"vi": "bằng", "en": "equal to"},
    "vs_plan_undetermined": {"vi": "xấp xỉ", "en": "about"},
    "history_heading": {"vi": "{label}: các kỳ trước và sau", "en": "{label}: before and after"},
    "history_chart": {"vi": "{label} của Lai Châu qua các kỳ",
                      "en": "{label} of Lai Châu, period by period"},
    "history_note": {
        "vi": ("Các kỳ có độ dài và cơ sở so sánh khác nhau (6 tháng so với cùng kỳ, cả năm so "
               "với năm trước, mục tiêu): đây không phải một chuỗi số liệu liên tục."),
        "en": ("The periods differ in length and base (a half-year on the same half, a year on "
               "the year before, a target): this is not one continuous series."),
    },
    "no_history": {"vi": "Không có đủ số liệu các kỳ khác cho chỉ tiêu {label}.",
                   "en": "Not enough figures of other periods for {label}."},
    "other_heading": {"vi": "Các so sánh khác với kỳ trước và kế hoạch",
                      "en": "Other comparisons with earlier periods and plans"},
    "other_intro": {
        "vi": ("Mỗi cặp dưới đây khác kỳ hoặc khác cơ sở so sánh (gần đúng), nên chỉ là bối "
               "cảnh; khung bên dưới ghi lý do."),
        "en": ("Each pair below differs in period or base (a proxy), so it is context only; the "
               "box below says why."),
    },
    # --- 4.0 against the region ---
    "vs-region_intro": {
        "vi": ("Lai Châu so với các tỉnh cùng vùng: tăng trưởng 6 tháng đầu năm 2022, khoảng thứ "
               "hạng mà số liệu có nguồn của các tỉnh cho phép, các tỉnh chưa có số liệu, và "
               "mức tăng bậc của các chỉ số quản trị kèm phần đã được nguồn khác xác nhận."),
        "en": ("Lai Châu against the provinces of its region: growth in the first half of 2022, "
               "the range of ranks the sourced figures of other provinces allow, the provinces "
               "with no figure, and the moves in the governance rankings with what other "
               "sources corroborate."),
    },
    "peers_heading": {"vi": "Các tỉnh vùng {region}", "en": "The provinces of the {region}"},
    "peers_chart": {"vi": "{label} 6 tháng đầu năm 2022: Lai Châu và các tỉnh trong vùng",
                    "en": "{label}, first half of 2022: Lai Châu and its region"},
    "peers_intro": {
        "vi": ("Mỗi tỉnh với số ước của chính tỉnh đó; các tỉnh có thể dùng các đợt ước tính khác "
               "nhau. Đường dọc là số của cả nước ({national})."),
        "en": ("Each province with its own estimate; provinces may have used different rounds of "
               "estimates. The vertical rule is Vietnam's figure ({national})."),
    },
    "rank_region_stated": {"vi": "Hạng trong vùng (theo nguồn)",
                           "en": "Rank in the region (as stated)"},
    "rank_nation_stated": {"vi": "Hạng cả nước (theo nguồn)", "en": "National rank (as stated)"},
    "bounds_heading": {"vi": "Lai Châu đứng thứ mấy?", "en": "Where does Lai Châu rank?"},
    "bounds_text": {
        "vi": ("Bài viết nói tăng trưởng GRDP của Lai Châu thuộc tốp {claimed} cả nước. Theo số "
               "liệu có nguồn của các tỉnh khác, Lai Châu ({value}) đứng trong khoảng hạng "
               "{nb}–{nw}/{nn} cả nước ({above} tỉnh chắc chắn tăng nhanh hơn, {below} tỉnh chắc "
               "chắn chậm hơn) và {rb}–{rw}/{rn} trong vùng. {verdict}"),
        "en": ("The article says Lai Châu's GRDP growth was in the top {claimed} nationally. The "
               "sourced figures of other provinces put Lai Châu ({value}) between rank {nb} and "
               "{nw} of {nn} nationally ({above} provinces known to grow faster, {below} known "
               "slower) and {rb}–{rw} of {rn} in the region. {verdict}"),
    },
    "bounds_proven": {"vi": "Mọi hạng trong khoảng này đều thuộc tốp {claimed}: số liệu xác nhận.",
                      "en": "Every rank in that range is within the top {claimed}: the figures "
                            "confirm it."},
    "bounds_open": {"vi": "Tốp {claimed} nằm trong khoảng này nhưng chưa được chứng minh.",
                    "en": "The top {claimed} is inside that range but not proven."},
    "bounds_contradicted": {"vi": "Cả khoảng này nằm ngoài tốp {claimed}: số liệu không ủng hộ.",
                            "en": "The whole range lies outside the top {claimed}: the figures "
                                  "do not support it."},
    "assumptions": {"vi": "Giả định của khoảng thứ hạng", "en": "Assumptions behind the range"},
    "bounds_chart_national": {"vi": "Hạng tăng trưởng GRDP của Lai Châu trong {n} tỉnh, thành phố",
                              "en": "Lai Châu's GRDP growth rank among {n} provinces"},
    "bounds_chart_regional": {"vi": "Hạng tăng trưởng GRDP của Lai Châu trong {n} tỉnh của vùng",
                              "en": "Lai Châu's GRDP growth rank among the {n} provinces of its "
                                    "region"},
    "rank_claim_row": {"vi": "{period}: bài viết nêu", "en": "{period}: the article's claim"},
    "rank_bounds_row": {"vi": "{period}: khoảng theo số liệu các tỉnh",
                        "en": "{period}: range the peers' figures allow"},
    "rank_range": {"vi": "{best}–{worst}", "en": "{best}–{worst}"},
    "rank_of": {"vi": "{rank}/{n}", "en": "{rank} of {n}"},
    "scope": {"vi": "Phạm vi", "en": "Scope"},
    "scope_national": {"vi": "Cả nước", "en": "Nationally"},
    "scope_regional": {"vi": "Trong vùng", "en": "In the region"},
    "rank_range_col": {"vi": "Khoảng hạng", "en": "Range of ranks"},
    "known_above": {"vi": "Tỉnh chắc chắn cao hơn", "en": "Known faster"},
    "known_below": {"vi": "Tỉnh chắc chắn thấp hơn", "en": "Known slower"},
    "later_ranks": {"vi": "Thứ hạng các kỳ sau (bối cảnh)", "en": "Later ranks (context)"},
    "unknown_heading": {"vi": "Các tỉnh trong vùng chưa có số liệu 6 tháng đầu năm 2022",
                        "en": "Provinces of the region with no figure for the first half of "
                              "2022"},
    "unknown_intro": {
        "vi": ("Chưa tìm được số liệu của các tỉnh sau; khoảng thứ hạng coi như chưa biết tỉnh "
               "nào đứng trên hay dưới Lai Châu. Cột bên phải là số liệu khác tìm được."),
        "en": ("No figure was found for these provinces; the range of ranks treats each as "
               "unknown (above or below Lai Châu). The right column lists what else was found."),
    },
    "other_found": {"vi": "Số liệu khác tìm được", "en": "Other figures found"},
    "nothing_found": {"vi": "không có", "en": "none"},
    "none_unknown": {"vi": "Mọi tỉnh trong vùng đều có số liệu.",
                     "en": "Every province of the region has a figure."},
    "sectors_heading": {"vi": "Ba khu vực kinh tế so với các tỉnh trong vùng",
                        "en": "The three sectors against provinces of the region"},
    "sector": {"vi": "Khu vực", "en": "Sector"},
    "governance_heading": {"vi": "Các chỉ số quản trị", "en": "Governance indices"},
    "governance_intro": {
        "vi": ("Bài viết nêu số bậc tăng của {n} chỉ số, {period} so với {base}. Bảng cho biết "
               "mức nào đã được nguồn khác xác nhận và bối cảnh của từng chỉ số."),
        "en": ("The article gives the places each of {n} indices gained, {period} on {base}. The "
               "table says "
               "which moves another source corroborates, with each index's context."),
    },
    "governance_chart": {
        "vi": "Số bậc tăng của các chỉ số, {period} so với {base} (theo bài viết)",
        "en": "Places gained by each index, {period} on {base} (as the article says)",
    },
    "article_says": {"vi": "Bài viết nêu", "en": "The article says"},
    "corroborated": {"vi": "Nguồn khác xác nhận", "en": "Corroborated by"},
    "own_body": {"vi": "cơ quan của chính tỉnh, không phải nguồn độc lập",
                 "en": "the province's own body, not independent"},
    "index_context": {"vi": "Bối cảnh", "en": "Context"},
    "not_found": {"vi": "chưa tìm thấy", "en": "not found"},
    "differs": {"vi": "khác: {what}", "en": "differs: {what}"},
    "coverage_note": {
        "vi": ("{label}: {value} trên {total}: các tỉnh không được xếp hạng có thể làm một phần "
               "mức tăng bậc chỉ do cách tính."),
        "en": ("{label}: {value} of {total}: provinces left out of the ranking can make part of "
               "a rank gain mechanical."),
    },
    "peer_ranks_heading": {"vi": "Thứ hạng {label} của các tỉnh trong vùng",
                           "en": "{label} of the provinces of the region"},
    # --- 5.0 the claims ---
    "claims_intro": {
        "vi": ("Mỗi nhận định mang tính đánh giá của bài viết, với kết luận theo quy tắc, căn cứ "
               "bằng số liệu và nguồn. Cuối trang là những điều bài viết không nêu: các chỉ tiêu "
               "mà Lai Châu thấp hơn cả nước."),
        "en": ("Each evaluative claim of the article, with a verdict by rule, the numbers behind "
               "it and their sources. At the end: what the article leaves out, the indicators "
               "where Lai Châu is below the national figure."),
    },
    "claim": {"vi": "Nhận định", "en": "Claim"},
    "verdict": {"vi": "Kết luận", "en": "Verdict"},
    "evidence": {"vi": "Căn cứ", "en": "Evidence"},
    "meaning": {"vi": "Ý nghĩa", "en": "Meaning"},
    "claims_count": {"vi": "Số nhận định", "en": "Claims"},
    "verdict_supported": {"vi": "Có cơ sở", "en": "Supported"},
    "verdict_plausible": {"vi": "Có thể đúng", "en": "Plausible"},
    "verdict_unverified": {"vi": "Chưa kiểm chứng được", "en": "Unverified"},
    "verdict_contradicted": {"vi": "Trái với số liệu", "en": "Contradicted"},
    "meaning_supported": {"vi": "số liệu có nguồn xác nhận",
                          "en": "sourced figures confirm it"},
    "meaning_plausible": {"vi": "phù hợp với số liệu nhưng chưa được chứng minh",
                          "en": "consistent with the figures but not proven"},
    "meaning_unverified": {"vi": "không đủ số liệu để kiểm chứng",
                           "en": "no figures to check it against"},
    "meaning_contradicted": {"vi": "số liệu có nguồn cho thấy điều ngược lại",
                             "en": "sourced figures say otherwise"},
    "verdicts_heading": {"vi": "Kết luận tóm tắt", "en": "Verdicts at a glance"},
    "claims_heading": {"vi": "Từng nhận định", "en": "Claim by claim"},
    "omitted_heading": {"vi": "Điều bài viết không nêu: chỉ tiêu thấp hơn cả nước",
                        "en": "What the article leaves out: where Lai Châu is below Vietnam"},
    "omitted_intro": {
        "vi": ("So với cả nước, các chỉ tiêu sau thấp hơn, và bài viết không nêu điều đó. Một so "
               "sánh gần đúng chỉ được kết luận 'có thể đúng'."),
        "en": ("Against Vietnam these indicators are lower, and the article does not say so. "
               "A comparison through a proxy is at most 'plausible'."),
    },
    "omitted_count": {"vi": "Điều bài viết không nêu", "en": "Left out by the article"},
    "article_words": {"vi": "Nguyên văn bài viết", "en": "The article's words (Vietnamese)"},
    "no_claims": {"vi": "Không có nhận định nào với các kết luận đã chọn.",
                  "en": "No claim has the verdicts selected."},
    "index_title": {
        "vi": "Lai Châu 6 tháng đầu năm 2022: các báo cáo",
        "en": "Lai Châu, first half of 2022: the reports",
    },
}

# What a figure's `measure` means, as an axis or column heading.
MEASURES: dict[str, dict[str, str]] = {
    "growth_yoy": {"vi": "Tăng so với cùng kỳ", "en": "Growth on the same period"},
    "change_abs": {"vi": "Tăng thêm so với cùng kỳ", "en": "Increase on the same period"},
    "level": {"vi": "Mức", "en": "Level"},
    "count": {"vi": "Số lượng", "en": "Count"},
    "rate_of_plan": {"vi": "Tỷ lệ so với kế hoạch", "en": "Share of the plan"},
    "change_pp": {"vi": "Thay đổi", "en": "Change"},
    "rank_change": {"vi": "Số bậc tăng", "en": "Places gained"},
    "rank_bound": {"vi": "Giới hạn thứ hạng", "en": "Rank bound"},
    "streak": {"vi": "Số năm liên tiếp", "en": "Consecutive years"},
}

# A unit's name in an axis title, e.g. "Tăng so với cùng kỳ (%)".
UNITS: dict[str, dict[str, str]] = {
    "percent": {"vi": "%", "en": "%"},
    "pp": {"vi": "điểm %", "en": "percentage points"},
    "tonnes": {"vi": "tấn", "en": "tonnes"},
    "MW": {"vi": "MW", "en": "MW"},
    "projects": {"vi": "dự án", "en": "projects"},
    "places": {"vi": "bậc", "en": "places"},
    "rank": {"vi": "hạng", "en": "rank"},
    "years": {"vi": "năm", "en": "years"},
}


# The article states its bases and qualifiers in English in data/figures.csv; the Vietnamese
# report shows them in Vietnamese. An unknown one is shown as written in the data.
BASES: dict[str, dict[str, str]] = {
    "H1 2021": {"vi": "6 tháng đầu năm 2021", "en": "H1 2021"},
    "2022 plan": {"vi": "kế hoạch năm 2022", "en": "the 2022 plan"},
    "same date 2021": {"vi": "cùng thời điểm năm 2021", "en": "the same date in 2021"},
    "2020": {"vi": "năm 2020", "en": "2020"},
    "63 provinces": {"vi": "63 tỉnh, thành phố", "en": "63 provinces"},
}
QUALIFIERS: dict[str, dict[str, str]] = {
    "estimate": {"vi": "ước tính", "en": "estimate"},
    "at most": {"vi": "tối đa (tốp)", "en": "at most (top)"},
}



def text(key: str, lang: str, **values: object) -> str:
    """Interface text `key` in `lang`, with `{name}` placeholders filled from `values`."""
    check_lang(lang)
    try:
        entry = TEXT[key]
    except KeyError:
        raise unknown("text key", key, sorted(TEXT)) from None
    return entry[lang].format(**values) if values else entry[lang]


def rank_label(bound: str, rank: int, worst: Any, lang: str) -> str:
    """A position as charts and tables write it: 'tốp 15' (at most), '8–21' (range), '61'."""
    if bound == "at_most":
        return text("rank_at_most", lang, n=rank)
    if bound == "range":
        return text("rank_range", lang, best=rank, worst=int(worst))
    return str(rank)


def measure_name(measure: str, lang: str) -> str:
    """What a figure's measure means, in `lang` ('growth_yoy' -> 'Tăng so với cùng kỳ')."""
    check_lang(lang)
    if measure not in MEASURES:
        raise unknown("measure", measure, sorted(MEASURES))
    return MEASURES[measure][lang]


def unit_name(unit: str, lang: str) -> str:
    """A unit as written in an axis title ('tonnes' -> 'tấn' in vi)."""
    check_lang(lang)
    if unit not in UNITS:
        raise unknown("unit", unit, sorted(UNITS))
    return UNITS[unit][lang]


def axis_title(measure: str, unit: str, lang: str) -> str:
    """'Tăng so với cùng kỳ (%)': a measure with its unit, for an axis."""
    return f"{measure_name(measure, lang)} ({unit_name(unit, lang)})"


def _missing(value: Any) -> bool:
    """None, '', NaN, NaT or pandas.NA: an empty cell of a data file."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return str(value) in {"nan", "NaT", "<NA>"}


def base_text(base: Any, lang: str) -> str:
    """A figure's base ('H1 2021') in `lang`; '' when it has none."""
    if _missing(base):
        return ""
    return BASES.get(str(base), {}).get(check_lang(lang), str(base))


def qualifier_text(qualifier: Any, lang: str) -> str:
    """A figure's qualifier ('estimate') in `lang`; '' when it has none."""
    if _missing(qualifier):
        return ""
    return QUALIFIERS.get(str(qualifier), {}).get(check_lang(lang), str(qualifier))


def period_text(period: str, lang: str) -> str:
    """'2022H1' -> '6 tháng đầu năm 2022' / 'first half of 2022'; '2021' -> 'năm 2021' / '2021'."""
    check_lang(lang)
    match = re.fullmatch(r"(\d{4})H([12])", str(period))
    if match:
        year, half = match.groups()
        if lang == "vi":
            return f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}"
        return f"{'first' if half == '1' else 'second'} half of {year}"
    if re.fullmatch(r"\d{4}", str(period)):
        return f"năm {period}" if lang == "vi" else str(period)
    return _other_period(str(period), lang)


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
ROMAN = ("I", "II", "III", "IV")


def _other_period(period: str, lang: str) -> str:
    """Quarters, months, month ranges, year ranges and crop seasons of the reference data
    ('2022Q1', '2022M07', '2023M01-M05', '2021-2023', '2022WS'); anything else as written."""
    if match := re.fullmatch(r"(\d{4})Q([1-4])", period):
        year, quarter = match.group(1), int(match.group(2))
        return f"quý {ROMAN[quarter - 1]}/{year}" if lang == "vi" else f"Q{quarter} {year}"
    if match := re.fullmatch(r"(\d{4})M(\d{2})", period):
        year, month = match.group(1), int(match.group(2))
        return f"tháng {month}/{year}" if lang == "vi" else f"{MONTHS_EN[month - 1]} {year}"
    if match := re.fullmatch(r"(\d{4})M(\d{2})-M(\d{2})", period):
        year, first, last = match.group(1), int(match.group(2)), int(match.group(3))
        if lang == "vi":
            if first == 1:
                return f"{last} tháng đầu năm {year}"
            return f"tháng {first}–{last}/{year}"
        return f"{MONTHS_EN[first - 1]}–{MONTHS_EN[last - 1]} {year}"
    if match := re.fullmatch(r"(\d{4})-(\d{4})", period):
        first, last = match.groups()
        return f"giai đoạn {first}–{last}" if lang == "vi" else f"{first}–{last}"
    if match := re.fullmatch(r"(\d{4})WS", period):
        year = match.group(1)
        return f"vụ đông xuân {year}" if lang == "vi" else f"winter-spring crop {year}"
    return period


def date_text(value: Any, lang: str) -> str:
    """A date as the report writes it: vi '15/6/2022', en '15 June 2022'; '' for a missing one."""
    if _missing(value):
        return ""
    day = value
    if check_lang(lang) == "vi":
        return f"{day.day}/{day.month}/{day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def source_title(source_id: str, lang: str) -> str:
    """A source's title for a reader of `lang`: the English title in `en` where we have one."""
    from lai_chau.data.reference import source

    record = source(source_id)
    return (record.get("title_en") if check_lang(lang) == "en" else None) or record["title"]
