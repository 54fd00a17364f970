// The memory loader: reads sections of memory beat by beat (64-bit beats),
// for the controller's loads (header, descriptors, image) and the tile
// loader's steps (weight rows, parameter arrays, a descriptor).
//
// A load is flat (beats_i beats) or rows (nrows_i rows of wpr_i beats each,
// counted by a row and a beat counter on each side: no products of sizes).
// arm_i starts one from base_i (rounded down to a beat); from the next
// cycle, while its owner holds active_i, the issue side requests the next
// beat (req_o, at addr_o) until every beat is issued (issued_o), a request
// leaving when gnt_i takes it. addr_o after the last beat is issued is
// where the section ends (the tile loader's next tile of rows starts
// there).
//
// Loads are pipelined: the next load may be armed as soon as the one
// before is issued, its beats still on the way. Each armed load with beats
// enters a queue (Depth loads) for the receive side, which takes them in
// order and counts their responses (rsp_i, in order): rcv_o is the index of
// the beat arriving in its load, row_o / word_o its row and beat within the
// row (rows loads), tag_o the tag the load was armed with (tag_i: where its
// beats go), first_o that it is the load's first beat. idle_o: every beat
// armed is in; done_o: the same, seen by an active owner.
module nb_mem_loader #(
  parameter int TagW = 1,
  parameter int Depth = 8  // loads armed and not yet being received
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // a load: armed for one cycle, its owner active from the next one on
  input  logic        arm_i,
  input  logic [31:0] base_i,
  input  logic [31:0] beats_i,   // flat loads
  input  logic        rows_i,    // a rows load
  input  logic [15:0] wpr_i,     // beats per row
  input  logic [15:0] nrows_i,   // rows
  input  logic        empty_i,   // the load has no beats (beats_i == 0 or no rows), from the owner's registers
  input  logic [TagW-1:0] tag_i,
  input  logic        active_i,
  output logic        issued_o,  // every beat armed is requested
  output logic        idle_o,    // every beat armed is in
  output logic        done_o,    // idle, with an active owner
  // issue side
  output logic        req_o,
  output logic [31:0] addr_o,
  input  logic        gnt_i,
  // receive side
  input  logic        rsp_i,
  output logic [31:0] rcv_o,
  output logic [15:0] row_o,
  output logic [15:0] word_o,
  output logic [TagW-1:0] tag_o,
  output logic        first_o
);
  localparam int QA = $clog2(Depth);

  // ---- issue side: the load armed last
  logic [31:0] base_q, base_d, iss_q, iss_d;
  logic rows_q, rows_d;
  logic [15:0] wpr_q, wpr_d;
  // The ends of a load are counted down, on each side: beats left (flat),
  // or rows left and beats left in the row (rows), so that "this is the
  // last one" is a compare of a register with 1 (no adder before it), and
  // the request leaves a flip-flop (more).
  logic [31:0] beats_q, beats_d;    // flat: the load's beats
  logic fresh_q;                    // armed the cycle before (the down counter loads from beats_q)
  logic [31:0] ileft_q, ileft_d;    // flat: beats left to issue
  logic [31:0] ileft;               // (loaded or counted)
  logic [15:0] irl_q, irl_d, iwl_q, iwl_d;  // rows: rows left to issue, beats left in the row
  logic more_q, more_d;
  logic ilast;                      // the beat issued is the load's last

  // ---- the queue of armed loads for the receive side: a load's shape
  // (rows: {nrows, wpr}; flat: its beats) and tag
  logic [32+TagW:0] q_mem [Depth];
  logic [QA-1:0] q_wp_q, q_rp_q;
  logic [QA:0] q_n_q;
  logic push, pull;
  logic [32+TagW:0] q_head;

  // ---- receive side: the load whose beats arrive
  logic cur_q, cur_d;               // a load is being received
  logic rrows_q, rrows_d;
  logic [15:0] rwpr_q, rwpr_d;
  logic [31:0] rcv_q, rcv_d, rleft_q, rleft_d;
  logic [15:0] rrow_q, rrow_d, rword_q, rword_d, rrl_q, rrl_d, rwl_q, rwl_d;
  logic [TagW-1:0] rtag_q, rtag_d;
  logic rfirst_q, rfirst_d;
  logic rlast;                      // the beat received is its load's last

  // (more_q is only set while the owner holds the load: the request leaves
  // a flip-flop, with nothing of the owner's state before it)
  assign req_o = more_q;
  assign addr_o = base_q + (iss_q << 3);
  assign issued_o = !more_q;
  assign idle_o = !more_q && !cur_q && q_n_q == '0;
  assign done_o = active_i && idle_o;
  assign rcv_o = rcv_q;
  assign row_o = rrow_q;
  assign word_o = rword_q;
  assign tag_o = rtag_q;
  assign first_o = rfirst_q;
  assign ileft = fresh_q ? beats_q : ileft_q;
  assign ilast = rows_q ? irl_q == 16'd1 && iwl_q == 16'd1 : ileft == 32'd1;
  assign rlast = rrows_q ? rrl_q == 16'd1 && rwl_q == 16'd1 : rleft_q == 32'd1;
  assign q_head = q_mem[q_rp_q];
  // A load with beats enters the queue when armed; the receive side takes
  // the head when it has none, or with the last beat of the one before
  // (the head entered at least a cycle before: no response comes before
  // the cycle after its first request).
  assign push = arm_i && !empty_i;
  assign pull = q_n_q != '0 && (!cur_q || (rsp_i && rlast));

  always_comb begin
    {base_d, beats_d, rows_d, wpr_d, iss_d} = {base_q, beats_q, rows_q, wpr_q, iss_q};
    {ileft_d, irl_d, iwl_d, more_d} = {ileft, irl_q, iwl_q, more_q};
    if (arm_i) begin
      // The beat count comes late in the arming cycle (after the section's
      // address arithmetic): it only loads registers, and the issue down
      // counter takes it from there the cycle after (fresh_q); empty_i,
      // from the owner's registers, sets the request flag now.
      base_d = base_i & ~32'd7;
      beats_d = beats_i;
      rows_d = rows_i;
      wpr_d = wpr_i;
      iss_d = '0;
      {irl_d, iwl_d} = {nrows_i, wpr_i};
      more_d = !empty_i;
    end else if (req_o && gnt_i) begin
      iss_d = iss_q + 32'd1;
      ileft_d = ileft - 32'd1;
      if (iwl_q == 16'd1) begin
        iwl_d = wpr_q;
        irl_d = irl_q - 16'd1;
      end else begin
        iwl_d = iwl_q - 16'd1;
      end
      if (ilast) more_d = 1'b0;
    end
  end

  always_comb begin
    {cur_d, rrows_d, rwpr_d, rcv_d, rleft_d, rrow_d, rword_d, rrl_d, rwl_d} =
      {cur_q, rrows_q, rwpr_q, rcv_q, rleft_q, rrow_q, rword_q, rrl_q, rwl_q};
    {rtag_d, rfirst_d} = {rtag_q, rfirst_q};
    if (rsp_i) begin
      rfirst_d = 1'b0;
      rcv_d = rcv_q + 32'd1;
      rleft_d = rleft_q - 32'd1;
      if (rwl_q == 16'd1) begin
        rwl_d = rwpr_q;
        rrl_d = rrl_q - 16'd1;
        rword_d = '0;
        rrow_d = rrow_q + 16'd1;
      end else begin
        rwl_d = rwl_q - 16'd1;
        rword_d = rword_q + 16'd1;
      end
      if (rlast) cur_d = 1'b0;
    end
    if (pull) begin
      cur_d = 1'b1;
      rrows_d = q_head[32+TagW];
      rtag_d = q_head[32+TagW-1:32];
      rwpr_d = q_head[15:0];
      rleft_d = q_head[31:0];
      {rrl_d, rwl_d} = q_head[31:0];
      {rcv_d, rrow_d, rword_d} = '0;
      rfirst_d = 1'b1;
    end
  end

  always_ff @(posedge clk_i) if (push) q_mem[q_wp_q] <= {rows_i, tag_i, rows_i ? {nrows_i, wpr_i} : beats_i};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {base_q, beats_q, rows_q, wpr_q, iss_q} <= '0;
      fresh_q <= 1'b0;
      {ileft_q, irl_q, iwl_q, more_q} <= '0;
      {q_wp_q, q_rp_q, q_n_q} <= '0;
      {cur_q, rrows_q, rwpr_q, rcv_q, rleft_q, rrow_q, rword_q, rrl_q, rwl_q} <= '0;
      {rtag_q, rfirst_q} <= '0;
    end else begin
      {base_q, beats_q, rows_q, wpr_q, iss_q} <= {base_d, beats_d, rows_d, wpr_d, iss_d};
      fresh_q <= arm_i;
      {ileft_q, irl_q, iwl_q, more_q} <= {ileft_d, irl_d, iwl_d, more_d};
      if (push) q_wp_q <= q_wp_q + QA'(1);
      if (pull) q_rp_q <= q_rp_q + QA'(1);
      q_n_q <= q_n_q + (QA+1)'(push) - (QA+1)'(pull);
      {cur_q, rrows_q, rwpr_q, rcv_q, rleft_q, rrow_q, rword_q, rrl_q, rwl_q} <=
        {cur_d, rrows_d, rwpr_d, rcv_d, rleft_d, rrow_d, rword_d, rrl_d, rwl_d};
      {rtag_q, rfirst_q} <= {rtag_d, rfirst_d};
    end
  end

`ifndef SYNTHESIS
  // the issuing load's total, the received load's rows, beats outstanding
  logic [31:0] total_q, out_q;
  logic [15:0] rnrows_q;
  // total_q is reset: an owner may hold the port before its first load is
  // armed, and the request assertion below reads it then
  always_ff @(posedge clk_i or negedge rst_ni)
    if (!rst_ni) total_q <= '0;
    else if (arm_i) total_q <= rows_i ? 32'(nrows_i) * 32'(wpr_i) : beats_i;
  always_ff @(posedge clk_i) if (pull) rnrows_q <= q_head[31:16];
  always_ff @(posedge clk_i or negedge rst_ni)
    if (!rst_ni) out_q <= '0;
    else out_q <= out_q + 32'(req_o && gnt_i) - 32'(rsp_i);
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(arm_i && empty_i != (rows_i ? nrows_i == 16'd0 : beats_i == 32'd0)))
        else $error("nb_mem_loader: armed with empty %0d for %0d beats (rows %0d x %0d)", empty_i, beats_i, rows_i, nrows_i);
      // a load is armed when the one before is issued, and no more than
      // Depth wait for the receive side
      assert (!(arm_i && more_q)) else $error("nb_mem_loader: armed with beats left to issue");
      assert (!(push && !pull && q_n_q == (QA+1)'(Depth))) else $error("nb_mem_loader: the receive queue overflows");
      assert (!(more_q && !active_i)) else $error("nb_mem_loader: beats left to issue with no owner");
      // every response answers a request, and comes for a load being received
      assert (!(rsp_i && out_q == 32'd0)) else $error("nb_mem_loader: a response without a request");
      assert (!(rsp_i && !cur_q)) else $error("nb_mem_loader: a response with no load to receive it");
      // the registered request is the count's: beats issued against the load's total
      assert (!active_i || arm_i || more_q == (iss_q < total_q))
        else $error("nb_mem_loader: request %0d differs from %0d issued of %0d", more_q, iss_q, total_q);
      assert (!(rrows_q && rsp_i && rrow_q >= rnrows_q)) else $error("nb_mem_loader: a beat past the last row");
      // (the coverage build) every request of a load issued, responses
      // outstanding; a load armed while the one before is being received
      c_mem_rsp_outstanding: cover (active_i && !req_o && !done_o);
      c_mem_pipelined: cover (arm_i && out_q != 32'd0);
    end
  end
`endif
endmodule
