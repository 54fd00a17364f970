// Where each tile's weights sit in the lanes' weight memories.
//
// Streaming (res_i low at the run's start): a tile's weight rows go to the
// bank the tile loader fills (the memories' two halves, ping-pong), as they
// always did. Resident (res_i high): every tile of the program gets its own
// slot, allocated in the order the tile loader's jobs start (entries of the
// job's layer: ceil(kw / Wpl) binary, fix_row_bytes / 8 int8), so that the
// weights of a model that fits stay in the memories between runs. A run
// whose host says the memory still holds the same program (keep_i) and
// after a resident run that ended without an error skips the weight steps
// of the tile loader (skip_w_o): the slots are the same, allocated in the
// same order. A job whose slot would pass the memories' end is not written
// (job_ovf_o) and the run stops with ErrWeights at the next tile start
// (ovf_o), before anything computes from it.
//
// The loader's job slot (lbin_o, lfix_o) becomes the compute slot (cbin_o,
// cfix_o) when the controller starts computing the tile the job loaded
// (take_i), like the bank.
module nb_wslots #(
  parameter int BinA = 8,  // address bits of the binary weight memory (both halves)
  parameter int FixA = 9   // of the int8 weight memory
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              run_i,       // a run starts (the controller leaves idle)
  input  logic              res_i,       // with it: resident weights
  input  logic              keep_i,      //          the memory holds this program's weights
  input  logic              done_i,      // the run ends (the controller's done)
  input  logic              error_i,     //          with an error
  input  logic              alloc_i,     // a tile loader job starts that loads weights
  input  logic              bank_i,      //          into this bank (streaming)
  input  logic [15:0]       bin_ents_i,  //          entries of its binary and int8 rows (0: none)
  input  logic [15:0]       fix_ents_i,
  input  logic              take_i,      // the controller computes the tile of the loader's last job
  input  logic              wr_i,        // a weight beat is written (checked: after its job's slot)
  output logic [BinA-1:0]   lbin_o,      // the loader's job: its slots
  output logic [FixA-1:0]   lfix_o,
  output logic              job_ovf_o,   //          the slot passes the end: not written
  output logic [BinA-1:0]   cbin_o,      // the tile being computed: its slots
  output logic [FixA-1:0]   cfix_o,
  output logic              skip_w_o,    // the run does not load weights (they are in)
  output logic              ovf_o,       // a job of this run passed the end
  output logic              res_o        // this run's weights are resident
);
  logic res_q, skip_q, held_q, ovf_q, jovf_q;
  // The allocation takes two cycles: the job's entries and bank are
  // registered as it starts, the slot and the overflow a cycle later (the
  // job's first weight beat comes several cycles after its start: asserted).
  logic a_q, abank_q;
  logic [15:0] abin_q, afix_q;
  // next free entry, and the end of the job's slot: one bit more than the
  // address, and the sum wide enough for any entry count (a pointer past the
  // end stops the run, so it never wraps into use)
  logic [BinA:0] bptr_q;
  logic [FixA:0] fptr_q;
  logic [16:0] bend, fend;
  logic [BinA-1:0] lbin_q, cbin_q;
  logic [FixA-1:0] lfix_q, cfix_q;
  logic jovf;
  assign bend = 17'(bptr_q) + 17'(abin_q);
  assign fend = 17'(fptr_q) + 17'(afix_q);
  assign jovf = res_q && (bend > 17'(1 << BinA) || fend > 17'(1 << FixA));
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {res_q, skip_q, held_q, ovf_q, jovf_q, a_q, abank_q} <= '0;
      abin_q <= '0;
      afix_q <= '0;
      bptr_q <= '0;
      fptr_q <= '0;
      lbin_q <= '0;
      lfix_q <= '0;
      cbin_q <= '0;
      cfix_q <= '0;
    end else begin
      if (run_i) begin
        res_q <= res_i;
        skip_q <= res_i && keep_i && held_q;
        held_q <= 1'b0;
        ovf_q <= 1'b0;
        bptr_q <= '0;
        fptr_q <= '0;
      end
      a_q <= alloc_i;
      if (alloc_i) begin
        abank_q <= bank_i;
        abin_q <= bin_ents_i;
        afix_q <= fix_ents_i;
      end
      if (a_q) begin
        if (res_q) begin
          lbin_q <= bptr_q[BinA-1:0];
          lfix_q <= fptr_q[FixA-1:0];
          bptr_q <= bend[BinA:0];
          fptr_q <= fend[FixA:0];
        end else begin
          lbin_q <= {abank_q, (BinA-1)'(0)};
          lfix_q <= {abank_q, (FixA-1)'(0)};
        end
        jovf_q <= jovf;
        if (jovf) ovf_q <= 1'b1;
      end
      if (take_i) begin
        cbin_q <= lbin_q;
        cfix_q <= lfix_q;
      end
      // the memories hold the program's weights after a resident run that
      // ended without an error (and loaded them, or found them there)
      if (done_i) held_q <= res_q && !error_i && !ovf_q;
    end
  end
  assign lbin_o = lbin_q;
  assign lfix_o = lfix_q;
  assign job_ovf_o = jovf_q;
  assign cbin_o = cbin_q;
  assign cfix_o = cfix_q;
  assign skip_w_o = skip_q;
  assign ovf_o = ovf_q;
  assign res_o = res_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(run_i && (alloc_i || a_q))) else $error("nb_wslots: a job allocated as the run starts");
      assert (!(alloc_i && a_q)) else $error("nb_wslots: two jobs allocated back to back");
      assert (!(take_i && a_q)) else $error("nb_wslots: a tile taken while its job's slot is allocated");
      assert (!(wr_i && (alloc_i || a_q))) else $error("nb_wslots: a weight beat before its job's slot");
      assert (!(alloc_i && take_i && !res_q && lbin_q[BinA-1] == bank_i))
        else $error("nb_wslots: a streaming job into the bank the next tile computes from");
    end
  end
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      c_ws_resident: cover (alloc_i && res_q);
      c_ws_skip: cover (run_i && res_i && keep_i && held_q);
      c_ws_ovf: cover (a_q && jovf);
    end
  end
`endif
endmodule
