// Performance counters of a layer: one 64-bit counter per record field,
// each counting its activity flag (rtl/spec/nb_hw.json "activity", the same
// flags act_o puts out), read one record word at a time.
//
// The cycles after the record's cycle word is written (flag ActRec: the
// record's other words, the end) are counted on their own (c_after_q); at
// the layer's end (layer_end_i) the counters restart and those cycles are
// carried into the next layer's count, so the records add up to every cycle
// up to the last one. (c_after_q is c_cyc_q minus its value when the cycle
// word was written, kept as a counter so that the layer end is an
// incrementer's carry, not a 64-bit subtract after the controller state.)
module nb_perf_counters (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [nb_pkg::ActBits-1:0] act_i,        // this cycle's activity flags
  input  logic                       clear_i,      // an image starts: every counter to 0
  input  logic                       layer_end_i,  // the layer's record is written: restart, carry the cycles after it
  input  logic [2:0]                 sel_i,        // the record word to read (nb_pkg::Rec*)
  output logic [63:0]                word_o
);
  logic [63:0] c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q;
  logic [63:0] c_after_q;  // cycles counted since the record's cycle word was written

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
      c_after_q <= '0;
    end else begin
      if (act_i[nb_pkg::ActCyc]) c_cyc_q <= c_cyc_q + 64'd1;
      if (act_i[nb_pkg::ActBin]) c_bin_q <= c_bin_q + 64'd1;
      if (act_i[nb_pkg::ActFix]) c_fix_q <= c_fix_q + 64'd1;
      if (act_i[nb_pkg::ActLoad]) c_load_q <= c_load_q + 64'd1;
      if (act_i[nb_pkg::ActComp]) c_comp_q <= c_comp_q + 64'd1;
      if (act_i[nb_pkg::ActRd]) c_rd_q <= c_rd_q + 64'd1;
      if (act_i[nb_pkg::ActWr]) c_wr_q <= c_wr_q + 64'd1;
      if (act_i[nb_pkg::ActDump]) c_dump_q <= c_dump_q + 64'd1;
      // (the layer's record is written before it ends: asserted below)
      c_after_q <= act_i[nb_pkg::ActRec] ? 64'(act_i[nb_pkg::ActCyc]) : c_after_q + 64'(act_i[nb_pkg::ActCyc]);
      if (clear_i) begin
        {c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
      end else if (layer_end_i) begin
        {c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
        c_cyc_q <= c_after_q + 64'(act_i[nb_pkg::ActCyc]);
      end
    end
  end

  always_comb begin
    unique case (sel_i)
      3'(nb_pkg::RecCycles): word_o = c_cyc_q;
      3'(nb_pkg::RecBinBusy): word_o = c_bin_q;
      3'(nb_pkg::RecFixBusy): word_o = c_fix_q;
      3'(nb_pkg::RecLoad): word_o = c_load_q;
      3'(nb_pkg::RecCompute): word_o = c_comp_q;
      3'(nb_pkg::RecRdBeats): word_o = c_rd_q;
      3'(nb_pkg::RecWrBeats): word_o = c_wr_q;
      3'(nb_pkg::RecDump): word_o = c_dump_q;
      default: word_o = '0;
    endcase
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // the controller never clears and ends a layer at once, and a record's
      // cycle word is written before its layer ends
      assert (!(clear_i && layer_end_i)) else $error("nb_perf_counters: clear and layer end at once");
      assert (!(layer_end_i && act_i[nb_pkg::ActRec])) else $error("nb_perf_counters: a record word at the layer end");
    end
  end
`endif
endmodule
