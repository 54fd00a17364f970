// The tile loader: a tile's weights and parameters, from memory into one
// bank of the double-buffered weight and parameter memories while the
// engines compute from the other bank.
//
// The controller starts a job (start_i: the tile's first output channel,
// its rows, the bank; of this layer, or of the next one as a prefetch;
// from the binary weight rows, or from M1 for the parameters only) when
// the loader is idle (busy_o low). The job runs its steps in turn, each one
// section of memory read by the memory loader (nb_mem_loader: armed here)
// or skipped when the layer has no such section. The steps, their codes
// and order are the specification's (rtl/spec/nb_hw.json tile_steps,
// nb_pkg::Step*):
//   StepBinRows, StepFixRows: the binary and int8 weight rows (a row of
//     beats per lane; skipped in a run whose weights are resident and
//     already in, skip_w_i: nb_wslots);
//   StepM1, StepM2, StepBias, StepTau, StepNeg: the per-channel arrays
//     (tau / neg of the layer after the tile's: the next layer's
//     binarization);
//   StepNextDesc (prefetch only, between bias and tau) the descriptor after
//     the next one, whose tau / neg the prefetch's next steps then load.
// Steps are pipelined: a step ends when its beats are requested (the
// memory loader's issued), and the next one is armed while they are on the
// way. StepNextDesc waits until its beats are in (tau and neg read the
// descriptor it brings), and the job ends when every beat is in (the
// memory loader idle). The beats go where their step says: each load
// carries its step, element size and first element (the memory loader's
// tag, returned with its beats), and each response comes with one write
// strobe (wbin_o, wfix_o, par_o, pos_o, desc_o) and the step's addressing
// (the memory loader's row / word, pbase_o / per_beat_o for the arrays).
//
// A section's tiles follow each other in memory: each step keeps where its
// next tile starts (tptr_q), from the descriptor at tile 0. A token-mixing
// layer's arrays are per position, loaded whole with its first tile (and
// never prefetched).
module nb_tile_loader #(
  parameter int TagW = 9  // {step, element size, the first beat's lead}
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // job (controller)
  input  logic        start_i,
  input  logic        start_next_i,    // the next layer's first tile (prefetch)
  input  logic        start_params_i,  // from StepM1 (the weights are in)
  input  logic [15:0] start_tile_i,
  input  logic [15:0] start_rows_i,
  input  logic        start_bank_i,
  output logic        busy_o,
  output logic        bank_o,          // the bank of the job (the last one, when idle)
  // the layers: this one (d), the next (nd) and the one after (nnd); their
  // engine modes {bin, pool, sel, mac} and position-pair rule (nb_top)
  /* verilator lint_off UNUSEDSIGNAL */  // the loader reads the fields of its sections
  input  nb_pkg::desc_t d_i,
  input  nb_pkg::desc_t nd_i,
  input  nb_pkg::desc_t nnd_i,
  input  logic [3:0]  mode_i,
  input  logic [3:0]  nmode_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic        pair_i,
  input  logic        npair_i,
  input  logic        has_next_i,      // a layer follows this one
  input  logic        has_next2_i,     // and one after it
  input  logic [31:0] img_i,           // the program's memory image
  input  logic [31:0] desc_ptr_i,      // this layer's descriptor
  input  logic        skip_w_i,        // the weights are in the memories (resident, kept): the rows steps skipped
  // memory loader
  output logic        ld_arm_o,
  output logic [31:0] ld_base_o,
  output logic [31:0] ld_beats_o,
  output logic        ld_rows_o,
  output logic [15:0] ld_wpr_o,
  output logic        ld_empty_o,      // the step has no beats
  output logic        ld_active_o,
  output logic [TagW-1:0] ld_tag_o,    // the step, its element size and the first beat's lead
  input  logic        ld_issued_i,
  input  logic        ld_idle_i,
  input  logic [31:0] ld_addr_i,
  // the response: its load's tag, whether it is the load's first beat
  input  logic        rsp_i,
  input  logic [TagW-1:0] rsp_tag_i,
  input  logic        rsp_first_i,
  // where this cycle's beat goes
  output logic [2:0]  which_o,         // array steps: 0 M1 .. 4 neg
  output logic        wbin_o,          // a binary weight beat (row / word: the memory loader's)
  output logic        wfix_o,          // an int8 weight beat
  output logic        par_o,           // an array beat for the lanes' parameters
  output logic        pos_o,           // an array beat of a token-mixing layer's positions
  output logic        desc_o,          // a beat of the descriptor after the next one
  output logic        pair_o,          // the job's layer is in position pairs (lane l + Half loads row l)
  output logic [15:0] rows_o,          // the tile's rows (lanes)
  output logic signed [15:0] pbase_o,  // array steps: the element in the beat's slot 0
  output logic [3:0]  per_beat_o       // array steps: elements per beat
);
  logic busy_q, busy_d, entry_q, entry_d, next_q, next_d, bank_q, bank_d;
  logic [3:0] step_q, step_d, step_next;
  logic [15:0] tile_q, tile_d, rows_q, rows_d;
  logic signed [15:0] pbase_q, pbase_d;
  logic [31:0] tptr_q [7];  // per step: where its next tile starts
  logic tptr_we;
  logic [31:0] tptr_wd;
  logic [31:0] base_d [9];  // the sections' bases at tile 0, registered (see below)
  logic [31:0] base_q [9];

  // The job's layer: the next one (prefetch) or this one.
  /* verilator lint_off UNUSEDSIGNAL */  // the loader reads a few of its fields
  nb_pkg::desc_t sd;
  /* verilator lint_on UNUSEDSIGNAL */
  logic s_pair;
  // A token-mixing layer's array steps load its positions' arrays with
  // its first tile only, and the next layer's M1, M2 and bias are not
  // prefetched during it (the ring of token rows is being written): that
  // layer loads them when it starts. Registers: the job's layer and tile
  // change at least two cycles before StepM1's first cycle (the rows steps
  // take a cycle or more; a layer's start at StepM1 comes long after its
  // descriptor), so these are current when read.
  logic s_tok_q;
  logic [11:0] s_arr_q;   // a token-mixing layer's positions (<= MaxTokenCh): its arrays' elements
  always_comb begin
    sd = next_q ? nd_i : d_i;
    s_pair = next_q ? npair_i : pair_i;
  end
  always_ff @(posedge clk_i) begin
    s_tok_q <= sd.token;
    s_arr_q <= 12'(sd.windows);
  end

  // ---- the step's section
  // The steps' codes and order: nb_pkg::Step* (rtl/spec/nb_hw.json
  // tile_steps). The array steps are StepM1 .. StepNeg; a job moves on to
  // the next code, but for the prefetch's descriptor (StepNextDesc) between
  // the bias and tau.
  logic par_step;  // the array steps, whose beats go to the parameter memories
  assign par_step = step_q >= nb_pkg::StepM1 && step_q <= nb_pkg::StepNeg;
  assign step_next = step_q == nb_pkg::StepBias ? (next_q ? nb_pkg::StepNextDesc : nb_pkg::StepTau)
                   : step_q == nb_pkg::StepNextDesc ? nb_pkg::StepTau : step_q + 4'd1;
  logic [31:0] cfg_start, cfg_base, cfg_beats, cfg_bytes;
  logic [1:0] cfg_esh;    // log2 of the element bytes of an array
  logic [15:0] cfg_wpr;
  logic cfg_skip, cfg_rows;
  /* verilator lint_off UNUSEDSIGNAL */  // bytes within the beat
  logic [11:0] cfg_abytes; // an array's bytes with its first beat's leading bytes, rounded up to a beat
  /* verilator lint_on UNUSEDSIGNAL */
  // Whether a step is skipped (the layer has no such section, or it is
  // loaded otherwise): of step st, for a job of this layer (nx low) or the
  // next, at its first tile (t0) or a later one; ubin / umac whether the
  // job's layer has a binary / an int8 path, tok whether it is token mixing,
  // bn / bnn whether the layers after this one and after the next are
  // binary.
  function automatic logic step_skip(input logic [3:0] st, input logic nx, input logic t0, input logic ubin, input logic umac,
                                     input logic tok, input logic bn, input logic bnn);
    logic tok_skip;
    tok_skip = (tok && (nx || !t0)) || (nx && d_i.token);
    unique case (st)
      nb_pkg::StepBinRows: step_skip = !ubin || skip_w_i;
      nb_pkg::StepFixRows: step_skip = !umac || skip_w_i;
      // the per-channel arrays; a token-mixing layer's are per position,
      // loaded whole with its first tile (and not prefetched)
      nb_pkg::StepM1, nb_pkg::StepM2, nb_pkg::StepBias: step_skip = tok_skip;
      // tau / neg of the layer after the tile's: nd's for this layer's
      // tiles, nnd's for the next layer's first tile (prefetch, after its
      // descriptor step)
      nb_pkg::StepTau, nb_pkg::StepNeg: step_skip = (nx ? !bnn : !bn) || tok_skip;
      // prefetch only (between bias and tau): the descriptor after the next one
      nb_pkg::StepNextDesc: step_skip = !has_next2_i;
      default: step_skip = 1'b1;
    endcase
  endfunction
  // The step's skip comes from registers: worked out a cycle ahead, for
  // the step after this one (c_q) and for the step a job starting now
  // begins with (StepBinRows: s0_q; a parameters-only job, params_q, begins
  // at StepM1, never skipped: it is its layer's first tile, asserted, whose arrays
  // every layer loads), the one taken after the register (started_q: the
  // job started the cycle before). Its inputs are current
  // a cycle before a step's entry (the descriptors change a cycle or more
  // before a job starts and two or more before StepM1's entry; the
  // descriptor of StepNextDesc arrives two cycles before StepTau's entry: see the
  // bases below). Combinational, the skip sat between the mode registers
  // and the memory loader's arming (nb_top's longest path, 5.1 ns); worked
  // out from start_i, it had the controller's size check in front of it
  // (5.2 ns). An assertion checks it against the step's skip from the
  // current registers.
  logic started_q, params_q, s0_q, c_q;
  logic step_end;  // the step ends this cycle (below)
  logic bn, bnn;   // the layers after this one and after the next are binary
  logic jbin, jmac;  // the job's layer has a binary / an int8 path (the next layer's when prefetching)
  always_comb begin
    bn = has_next_i && nd_i.kbin != 32'd0;
    bnn = has_next2_i && nnd_i.kbin != 32'd0;
    jbin = next_q ? nmode_i[3] : mode_i[3];
    jmac = next_q ? nmode_i[0] : mode_i[0];
  end
  always_ff @(posedge clk_i) begin
    started_q <= start_i;
    params_q <= start_params_i;
    s0_q <= step_skip(nb_pkg::StepBinRows, start_next_i, 1'b1, start_next_i ? nmode_i[3] : mode_i[3],
                      start_next_i ? nmode_i[0] : mode_i[0], start_next_i ? nd_i.token : d_i.token, bn, bnn);
    c_q <= step_skip(step_end ? step_next : step_q, next_q, tile_q == 16'd0, jbin, jmac, sd.token, bn, bnn);
  end
  assign cfg_skip = started_q ? s0_q && !params_q : c_q;
  always_comb begin
    cfg_base = 32'd0;
    cfg_beats = 32'd0;
    cfg_esh = 2'd3;
    cfg_wpr = 16'd0;
    cfg_rows = 1'b0;
    unique case (step_q)
      nb_pkg::StepBinRows: begin
        cfg_rows = 1'b1;
        cfg_wpr = sd.kw[15:0];
        cfg_base = next_q ? base_q[7] : base_q[5];
      end
      nb_pkg::StepFixRows: begin  // 8-byte aligned rows
        cfg_rows = 1'b1;
        cfg_wpr = sd.fix_row_bytes[18:3];
        cfg_base = next_q ? base_q[8] : base_q[6];
      end
      nb_pkg::StepM1: begin cfg_esh = nb_pkg::StepM1Esh; cfg_base = base_q[0]; end
      nb_pkg::StepM2: begin cfg_esh = nb_pkg::StepM2Esh; cfg_base = base_q[1]; end
      nb_pkg::StepBias: begin cfg_esh = nb_pkg::StepBiasEsh; cfg_base = base_q[2]; end
      nb_pkg::StepTau: begin cfg_esh = nb_pkg::StepTauEsh; cfg_base = base_q[3]; end
      nb_pkg::StepNeg: begin cfg_esh = nb_pkg::StepNegEsh; cfg_base = base_q[4]; end
      nb_pkg::StepNextDesc: cfg_base = desc_ptr_i + 32'(2 * nb_pkg::DescWords * 4);
      default: ;
    endcase
    cfg_start = tile_q == 16'd0 ? cfg_base : tptr_q[step_q[2:0]];
    cfg_bytes = (s_tok_q ? 32'(s_arr_q) : 32'(rows_q)) << cfg_esh;
    // an array of rows <= 64 (or MaxTokenCh <= 256 positions) elements of <= 8 bytes: 12-bit arithmetic
    cfg_abytes = 12'(cfg_start[2:0]) + 12'(cfg_bytes) + 12'd7;
    if (step_q == nb_pkg::StepNextDesc) cfg_beats = 32'(nb_pkg::DescBeats);
    else if (!cfg_rows) cfg_beats = 32'(cfg_abytes[11:3]);
  end

  // The sections' bases, registered: the layer select and the add would
  // otherwise sit before the memory loader's beat count and address adds.
  // Entries 0-4: the array steps' (M1, M2, bias, tau, neg: step - StepM1);
  // 5-8: the weight rows (StepBinRows, StepFixRows) for d and for nd
  // (next_q changes with StepBinRows' entry, so both are kept). Each is
  // current when a step reads it: the descriptors and next_q are set at
  // least two cycles before StepM1's entry (the rows steps take a cycle
  // each, a layer's start at StepM1 comes two cycles after its descriptors
  // shift), the descriptors at least a cycle before StepBinRows', and nnd's
  // last beat arrives two cycles before StepTau's entry (ld_done, then the
  // entry). An assertion checks the entry
  // a step reads at its entry.
  always_comb begin
    base_d[0] = img_i + sd.off_m1;
    base_d[1] = img_i + sd.off_m2;
    base_d[2] = img_i + sd.off_bias;
    base_d[3] = img_i + (next_q ? nnd_i.off_tau : nd_i.off_tau);
    base_d[4] = img_i + (next_q ? nnd_i.off_neg : nd_i.off_neg);
    base_d[5] = img_i + d_i.off_wbin;
    base_d[6] = img_i + d_i.off_wfix;
    base_d[7] = img_i + nd_i.off_wbin;
    base_d[8] = img_i + nd_i.off_wfix;
  end
  always_ff @(posedge clk_i) for (int k = 0; k < 9; k++) base_q[k] <= base_d[k];

  // ---- steps: arm the memory loader at a step's entry (or skip the
  // step); move on when its beats are requested, but for StepNextDesc and the
  // job's last step, which wait until every beat is in
  logic go, wait_all;
  assign go = busy_q && (entry_q || cfg_skip);
  assign wait_all = step_q == nb_pkg::StepNeg || step_q == nb_pkg::StepNextDesc;
  assign step_end = busy_q && (cfg_skip ? step_q != nb_pkg::StepNeg || ld_idle_i
                                        : !entry_q && (wait_all ? ld_idle_i : ld_issued_i));
  // the load's tag: the step, its element size and its first element's
  // slot in the first beat ((start mod 8) >> esh), negated
  logic [2:0] lead;
  assign lead = cfg_start[2:0] >> cfg_esh;
  assign ld_tag_o = {step_q[2:0], cfg_esh, 4'(-signed'({1'b0, lead}))};
  always_comb begin
    {busy_d, entry_d, next_d, bank_d, step_d, tile_d, rows_d} = {busy_q, entry_q, next_q, bank_q, step_q, tile_q, rows_q};
    tptr_we = 1'b0;
    tptr_wd = cfg_start + cfg_bytes;
    if (go) begin
      entry_d = 1'b0;
      // where this step's next tile starts: arrays now, rows when issued
      tptr_we = !cfg_rows && step_q != nb_pkg::StepNextDesc;
    end else if (busy_q && !entry_q && ld_issued_i && cfg_rows) begin
      tptr_we = 1'b1;
      tptr_wd = ld_addr_i;
    end
    if (step_end) begin
      if (step_q == nb_pkg::StepNeg) begin  // the job's last step
        busy_d = 1'b0;
        next_d = 1'b0;
      end else begin
        step_d = step_next;
        entry_d = 1'b1;
      end
    end
    if (start_i) begin
      {busy_d, entry_d, next_d, bank_d} = {1'b1, 1'b1, start_next_i, start_bank_i};
      step_d = start_params_i ? nb_pkg::StepM1 : nb_pkg::StepBinRows;
      tile_d = start_tile_i;
      rows_d = start_rows_i;
    end
  end

  // ---- the receive side: each beat goes where its load's step says
  logic [2:0] r_step3;
  logic [3:0] r_step;         // the load's step (nb_pkg::Step*)
  logic [1:0] r_esh;
  logic signed [3:0] r_lead;  // the first beat's slot 0 element (<= 0)
  logic r_par;
  assign {r_step3, r_esh, r_lead} = rsp_tag_i;
  assign r_step = {1'b0, r_step3};
  assign r_par = r_step >= nb_pkg::StepM1 && r_step <= nb_pkg::StepNeg;
  assign per_beat_o = 4'd8 >> r_esh;
  // pbase counts the elements of the load's beats before this one, less
  // the first beat's leading ones
  assign pbase_o = rsp_first_i ? 16'(r_lead) : pbase_q;
  assign pbase_d = busy_q && rsp_i ? pbase_o + 16'(per_beat_o) : pbase_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {busy_q, entry_q, next_q, bank_q, step_q, tile_q, rows_q} <= '0;
      pbase_q <= '0;
    end else begin
      {busy_q, entry_q, next_q, bank_q, step_q, tile_q, rows_q} <= {busy_d, entry_d, next_d, bank_d, step_d, tile_d, rows_d};
      pbase_q <= pbase_d;
    end
  end
  always_ff @(posedge clk_i) if (tptr_we) tptr_q[step_q[2:0]] <= tptr_wd;

  assign busy_o = busy_q;
  assign bank_o = bank_q;
  assign ld_arm_o = busy_q && entry_q && !cfg_skip;
  assign ld_base_o = cfg_start;
  assign ld_beats_o = cfg_skip ? 32'd0 : cfg_beats;
  assign ld_rows_o = cfg_rows && !cfg_skip;
  assign ld_wpr_o = cfg_wpr;
  // from registers and the skip: rows steps' beats are rows x wpr, arrays'
  // at least one per element, StepNextDesc's a descriptor
  assign ld_empty_o = cfg_skip || (cfg_rows ? rows_q == 16'd0
                                            : step_q != nb_pkg::StepNextDesc && (s_tok_q ? s_arr_q == 12'd0 : rows_q == 16'd0));
  assign ld_active_o = busy_q && !entry_q;
  assign which_o = 3'(r_step - nb_pkg::StepM1);
  assign wbin_o = busy_q && rsp_i && r_step == nb_pkg::StepBinRows;
  assign wfix_o = busy_q && rsp_i && r_step == nb_pkg::StepFixRows;
  assign par_o = busy_q && rsp_i && r_par && !sd.token;
  assign pos_o = busy_q && rsp_i && r_par && sd.token;
  assign desc_o = busy_q && rsp_i && r_step == nb_pkg::StepNextDesc;
  assign pair_o = s_pair;
  assign rows_o = rows_q;

`ifndef SYNTHESIS
  // the weight-row base a rows step reads: 5 + 2 * next_q + (the int8 rows)
  logic [3:0] rows_base;
  assign rows_base = 4'd5 + {2'b00, next_q, 1'b0} + 4'(step_q == nb_pkg::StepFixRows);
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(start_i && busy_q)) else $error("nb_tile_loader: a job started while one runs");
      assert (!(busy_q && entry_q && cfg_rows && base_q[rows_base] != base_d[rows_base]))
        else $error("nb_tile_loader: the registered weight-row base of step %0d is stale", step_q);
      assert (!(busy_q && entry_q && par_step && base_q[step_q - nb_pkg::StepM1] != base_d[step_q - nb_pkg::StepM1]))
        else $error("nb_tile_loader: the registered array base of step %0d is stale", step_q);
      // the registered skip and emptiness: those of the step from this cycle's registers
      assert (!(busy_q && cfg_skip != step_skip(step_q, next_q, tile_q == 16'd0, jbin, jmac, s_tok_q, bn, bnn)))
        else $error("nb_tile_loader: the registered skip %0d of step %0d is stale", cfg_skip, step_q);
      assert (!(start_i && start_params_i && (start_next_i || start_tile_i != 16'd0)))
        else $error("nb_tile_loader: a parameters-only job not of this layer's first tile");
      assert (!(busy_q && entry_q && step_q >= nb_pkg::StepM1 && (s_tok_q != sd.token || (s_tok_q && s_arr_q != 12'(sd.windows)))))
        else $error("nb_tile_loader: the registered token mode is stale");
    end
  end

  // Cover points (the coverage build): the next layer's first tile
  // prefetched, each step loaded and skipped.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      c_tl_prefetch: cover (busy_q && next_q && rsp_i);
      c_tl_bin_rows: cover (wbin_o);
      c_tl_fix_rows: cover (wfix_o);
      c_tl_params: cover (busy_q && rsp_i && r_step == nb_pkg::StepBias);
      c_tl_tau_neg: cover (busy_q && rsp_i && r_step == nb_pkg::StepNeg);
      c_tl_pf_desc: cover (desc_o);
      c_tl_pf_tau_neg: cover (busy_q && next_q && rsp_i && r_step == nb_pkg::StepNeg);
      c_tl_pf_desc_skip: cover (busy_q && step_q == nb_pkg::StepNextDesc && cfg_skip);
      c_tl_skip_bin: cover (busy_q && step_q == nb_pkg::StepBinRows && cfg_skip);
      c_tl_skip_fix: cover (busy_q && step_q == nb_pkg::StepFixRows && cfg_skip);
      c_tl_skip_tau_neg: cover (busy_q && step_q == nb_pkg::StepTau && cfg_skip);
    end
  end
`endif
endmodule
