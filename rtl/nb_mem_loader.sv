// The memory loader: reads one section of memory beat by beat (64-bit
// beats), for the controller's loads (header, descriptors, image) and the
// tile loader's steps (weight rows, parameter arrays, a descriptor).
//
// A load is flat (beats_i beats) or rows (nrows_i rows of wpr_i beats each,
// counted by a row and a beat counter on each side: no products of sizes).
// arm_i starts one from base_i (rounded down to a beat); from the next
// cycle, while its owner holds active_i, the issue side requests the next
// beat (req_o, at addr_o) until every beat is issued, a request leaving
// when gnt_i takes it; the receive side counts the responses (rsp_i, in
// order): rcv_o is the index of the beat arriving, row_o / word_o its row and
// beat within the row (rows loads). done_o: every beat is in. addr_o after
// the last beat is issued is where the section ends (the tile loader's next
// tile of rows starts there).
module nb_mem_loader (
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
  input  logic        active_i,
  output logic        done_o,
  // issue side
  output logic        req_o,
  output logic [31:0] addr_o,
  input  logic        gnt_i,
  // receive side
  input  logic        rsp_i,
  output logic [31:0] rcv_o,
  output logic [15:0] row_o,
  output logic [15:0] word_o
);
  logic [31:0] base_q, base_d, iss_q, iss_d, rcv_q, rcv_d;
  logic rows_q, rows_d;
  logic [15:0] wpr_q, wpr_d;
  logic [15:0] rrow_q, rrow_d, rword_q, rword_d;  // receive side: row and beat within it
  // The ends of a load are counted down, on each side: beats left (flat),
  // or rows left and beats left in the row (rows), so that "this is the
  // last one" is a compare of a register with 1 (no adder before it), and
  // the request and done leave flip-flops (more, complete): done ends the
  // owner's step, and the next step's decisions follow it in the same cycle.
  logic [31:0] beats_q, beats_d;                       // flat: the load's beats
  logic fresh_q;                                       // armed the cycle before (the down counters load from beats_q)
  logic [31:0] ileft_q, ileft_d, rleft_q, rleft_d;     // flat: beats left to issue, to receive
  logic [31:0] ileft;                                  // beats left to issue (loaded or counted)
  logic [15:0] irl_q, irl_d, iwl_q, iwl_d;             // rows: rows left to issue, beats left in the row
  logic [15:0] rrl_q, rrl_d, rwl_q, rwl_d;             // the same, receive side
  logic more_q, more_d, complete_q, complete_d;
  logic ilast, rlast;                                  // the beat issued / received is the load's last

  // (more_q is only set while the owner holds the load: the request leaves
  // a flip-flop, with nothing of the owner's state before it)
  assign req_o = more_q;
  assign done_o = active_i && complete_q;
  assign addr_o = base_q + (iss_q << 3);
  assign rcv_o = rcv_q;
  assign row_o = rrow_q;
  assign word_o = rword_q;
  assign ileft = fresh_q ? beats_q : ileft_q;
  assign ilast = rows_q ? irl_q == 16'd1 && iwl_q == 16'd1 : ileft == 32'd1;
  assign rlast = rows_q ? rrl_q == 16'd1 && rwl_q == 16'd1 : rleft_q == 32'd1;

  always_comb begin
    {base_d, beats_d, rows_d, wpr_d} = {base_q, beats_q, rows_q, wpr_q};
    {iss_d, rcv_d, rrow_d, rword_d} = {iss_q, rcv_q, rrow_q, rword_q};
    {ileft_d, rleft_d, irl_d, iwl_d, rrl_d, rwl_d} = {ileft, fresh_q ? beats_q : rleft_q, irl_q, iwl_q, rrl_q, rwl_q};
    {more_d, complete_d} = {more_q, complete_q};
    if (arm_i) begin
      // The beat count comes late in the arming cycle (after the section's
      // address arithmetic): it only loads a register, and the down
      // counters take it from there the cycle after (fresh_q; no response
      // can come before); empty_i, from the owner's registers, sets the
      // request and done flags now.
      base_d = base_i & ~32'd7;
      beats_d = beats_i;
      rows_d = rows_i;
      wpr_d = wpr_i;
      {iss_d, rcv_d, rrow_d, rword_d} = '0;
      {irl_d, iwl_d, rrl_d, rwl_d} = {nrows_i, wpr_i, nrows_i, wpr_i};
      more_d = !empty_i;
      complete_d = empty_i;
    end else begin
      if (req_o && gnt_i) begin
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
      if (rsp_i) begin
        rcv_d = rcv_q + 32'd1;
        rleft_d = rleft_q - 32'd1;  // (never in the fresh cycle)
        if (rwl_q == 16'd1) begin
          rwl_d = wpr_q;
          rrl_d = rrl_q - 16'd1;
          rword_d = '0;
          rrow_d = rrow_q + 16'd1;
        end else begin
          rwl_d = rwl_q - 16'd1;
          rword_d = rword_q + 16'd1;
        end
        if (rlast) complete_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {base_q, beats_q, rows_q, wpr_q} <= '0;
      fresh_q <= 1'b0;
      {iss_q, rcv_q, rrow_q, rword_q} <= '0;
      {ileft_q, rleft_q, irl_q, iwl_q, rrl_q, rwl_q} <= '0;
      {more_q, complete_q} <= 2'b01;
    end else begin
      {base_q, beats_q, rows_q, wpr_q} <= {base_d, beats_d, rows_d, wpr_d};
      fresh_q <= arm_i;
      {iss_q, rcv_q, rrow_q, rword_q} <= {iss_d, rcv_d, rrow_d, rword_d};
      {ileft_q, rleft_q, irl_q, iwl_q, rrl_q, rwl_q} <= {ileft_d, rleft_d, irl_d, iwl_d, rrl_d, rwl_d};
      {more_q, complete_q} <= {more_d, complete_d};
    end
  end

`ifndef SYNTHESIS
  // the load's total, for the checks
  logic [31:0] total_q;
  logic [15:0] nrows_q;
  always_ff @(posedge clk_i)
    if (arm_i) begin
      total_q <= rows_i ? 32'(nrows_i) * 32'(wpr_i) : beats_i;
      nrows_q <= nrows_i;
    end
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // a load is armed with no beat of the one before outstanding, and
      // every response answers a request
      assert (!(arm_i && empty_i != (rows_i ? nrows_i == 16'd0 : beats_i == 32'd0)))
        else $error("nb_mem_loader: armed with empty %0d for %0d beats (rows %0d x %0d)", empty_i, beats_i, rows_i, nrows_i);
      assert (!(more_q && !active_i)) else $error("nb_mem_loader: beats left to issue with no owner");
      assert (!(arm_i && rcv_q != iss_q)) else $error("nb_mem_loader: armed with beats outstanding");
      assert (!(rsp_i && rcv_q == iss_q)) else $error("nb_mem_loader: a response without a request");
      assert (!(rsp_i && fresh_q)) else $error("nb_mem_loader: a response in the cycle after the arm");
      // the registered request and done are the counts': beats issued and
      // received against the load's total
      assert (!active_i || arm_i || (more_q == (iss_q < total_q) && complete_q == (rcv_q == total_q)))
        else $error("nb_mem_loader: request %0d / done %0d differ from %0d issued, %0d received of %0d",
                    more_q, complete_q, iss_q, rcv_q, total_q);
      assert (!(rows_q && rsp_i && rrow_q >= nrows_q)) else $error("nb_mem_loader: a beat past the last row");
      // (the coverage build) every request of a load issued, responses outstanding
      c_mem_rsp_outstanding: cover (active_i && !req_o && !done_o);
    end
  end
`endif
endmodule
