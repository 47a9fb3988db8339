/*
 * xb_mask_edits.h - turn "mask these findings" (a policy decision's
 * xb_decision.mask[] indices into the scan result) into rewrite edits.
 *
 * Each finding becomes one edit replacing its raw span by the masked
 * rendition of its decoded text (xb_mask.h), re-encoded by xb_rewrite for
 * the value's syntax. Findings whose spans overlap are merged into one edit
 * over the union of their spans:
 *
 *   - identical spans (the same identifier reported by several catalog
 *     entries): masked once, with the most specific rule among them;
 *   - one finding containing the others (a mobile inside an address, an
 *     email whose local part is a mobile): the inner findings are first
 *     replaced by their own renditions inside the container's text, then
 *     the container's rule is applied to the result, so that whatever
 *     either rule hides stays hidden;
 *   - partial overlaps (neither contains the other), or inner findings
 *     that cannot be located in the container's text: the union is masked
 *     strictly (every character except separators). The union's text is
 *     spliced from the findings' texts when their raw spans map 1:1 onto
 *     decoded bytes; otherwise their texts are concatenated (the rendition
 *     is then longer than the original, never less masked).
 */
#ifndef XB_MASK_EDITS_H
#define XB_MASK_EDITS_H

#include "../scan/xb_scan.h"
#include "xb_rewrite.h"

/*
 * Append to out the edits masking r->findings[idx[0..n_idx)] (duplicates
 * in idx are ignored, empty spans skipped). Refuses with XB_ERR_INVALID,
 * adding nothing, when an index is out of range or a finding is not exact,
 * has no decoded value (scan with keep_values) or no syntax; *bad (may be
 * NULL) then gets the offending finding index. The edits are appended in
 * position order; call xb_edit_list_sort when the list holds other edits.
 */
xb_status xb_mask_edits(const xb_scan_result *r, const size_t *idx, size_t n_idx,
                        xb_edit_list *out, size_t *bad);

#endif
